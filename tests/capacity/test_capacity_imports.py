"""The what-if CLI stays light: no pandas, no matplotlib, whatever else the project uses."""

from __future__ import annotations

import subprocess
import sys

# Runs the `capacity` command's main with ARGS here, then names the heavy modules it loaded.
_RUNNER = """
import sys
from capacity.cli import main
code = main(sys.argv[1:])
assert code == 0, code
names = ("pandas", "matplotlib", "numpy", "scipy", "locust")
heavy = sorted(name for name in names if name in sys.modules)
print("heavy modules:", ", ".join(heavy) or "none")
"""


def test_what_if_imports_neither_pandas_nor_matplotlib(repo_scenarios: str) -> None:
    """`capacity what-if --dau 45000` loads no pandas, matplotlib, numpy, scipy or locust."""
    args = ["what-if", "--dau", "45000", "--scenarios", repo_scenarios]
    result = subprocess.run(
        [sys.executable, "-c", _RUNNER, *args], capture_output=True, text=True, check=True
    )
    assert "2,083.3  2,100  4,200" in result.stdout
    assert result.stdout.splitlines()[-1] == "heavy modules: none"
