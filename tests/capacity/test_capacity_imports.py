"""The what-if CLI stays light: no pandas, no matplotlib, whatever else the project uses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Runs the `capacity` command's main with ARGS here, then names the modules of each group
# that it loaded.
_RUNNER = """
import sys
from capacity.cli import main
code = main(sys.argv[1:])
assert code == 0, code
groups = {
    "heavy": ("pandas", "matplotlib", "numpy", "scipy", "locust"),
    "journey": ("stairload.journeys.load", "stairload.journeys.journey", "jmespath"),
    "unused": (
        "capacity.explain", "capacity.instances", "capacity.shapes", "capacity.stairs",
        "stairload.rundir.record", "stairload.rundir.intervals",
    ),
}
for group, names in groups.items():
    loaded = sorted(name for name in names if name in sys.modules)
    print(f"{group} modules:", ", ".join(loaded) or "none")
"""


def test_what_if_loads_only_what_it_uses(repo_scenarios: str) -> None:
    """`capacity what-if --dau 45000` loads no pandas, matplotlib, numpy, scipy or locust;
    no journey code (issue 23: it needs the plan's numbers only, never checks or compiles
    journeys); no stair, explainer, instance model or run-directory reader."""
    args = ["what-if", "--dau", "45000", "--scenarios", repo_scenarios]
    result = subprocess.run(
        [sys.executable, "-c", _RUNNER, *args], capture_output=True, text=True, check=True
    )
    assert "2,083.3  2,100  4,200" in result.stdout
    assert result.stdout.splitlines()[-3:] == [
        "heavy modules: none",
        "journey modules: none",
        "unused modules: none",
    ]


def test_what_if_answers_for_a_plan_whose_journey_is_not_runnable(tmp_path: Path) -> None:
    """A scenario with neither steps nor a locustfile still has a plan; table still refuses."""
    from capacity.cli import main

    text = (ROOT / "scenarios.yaml").read_text(encoding="utf-8")
    start = text.index("    steps:", text.index("  scenario3:"))
    end = text.index("\n# Alarms")
    path = tmp_path / "plan.yaml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    assert main(["what-if", "--dau", "45000", "--scenarios", str(path)]) == 0
    assert main(["table", "--scenarios", str(path)]) == 2


def test_the_plans_journey_keys_are_the_journeys() -> None:
    """capacity.config spells the journey keys itself (to stay light); they are the same."""
    from capacity.config import JOURNEY_KEYS as PLAN_KEYS
    from stairload.journeys.spec import JOURNEY_KEYS

    assert PLAN_KEYS == JOURNEY_KEYS
