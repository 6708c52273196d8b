"""Print scenarios.yaml as the stairload-scenarios ConfigMap (make k8s-configmap writes it).

python scenarios_configmap.py SCENARIOS_YAML > scenarios-configmap.yaml
"""

from __future__ import annotations

import sys
from pathlib import Path

HEADER = """\
# Generated from scenarios.yaml by `make k8s-configmap`; edit scenarios.yaml, not this file.
apiVersion: v1
kind: ConfigMap
metadata:
  name: stairload-scenarios
  labels:
    app.kubernetes.io/name: stairload
data:
  scenarios.yaml: |
"""


def configmap(scenarios_text: str) -> str:
    """The ConfigMap manifest whose ``scenarios.yaml`` key holds ``scenarios_text`` verbatim."""
    body = "".join(
        f"    {line}" if line.strip() else "\n" for line in scenarios_text.splitlines(keepends=True)
    )
    return HEADER + body


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "scenarios.yaml")
    sys.stdout.write(configmap(path.read_text(encoding="utf-8")))
