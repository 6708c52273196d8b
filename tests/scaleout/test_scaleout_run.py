"""stairload scaleout run: the stair through HAProxy with a scaling group, end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from stairload.cli.scaleout import main
from stairload.core.commandline import run_cli

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--instance-cmd", "stairload target"], "--instance-cmd: must contain {port}"),
        (["--host", "http://127.0.0.1:9"], "--host: the host is the group's load balancer"),
        (["--target-cpu", "0"], "--target-cpu: must be in (0, 100] (got 0)"),
    ],
)
def test_bad_option_is_one_line_exit_2(
    options: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad scale-out option stops before anything starts, with one Error line."""
    argv = ["run", "scenario2", "--run-dir", str(tmp_path / "run"), *options]
    assert run_cli(main, argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and message in err and err.count("\n") == 1


@pytest.mark.integration
def test_small_run_scales_out_and_reports_why(tmp_path: Path) -> None:
    """A short stair at a 1% CPU target scales from 1 to 2; the report has the scaling part."""
    run_dir = tmp_path / "run"
    command = [
        sys.executable, "-m", "stairload", "scaleout", "run", "scenario2",
        "--time-scale", "0.02", "--users-scale", "0.02", "--workers", "0",
        "--target-users", "50", "--target-cpu", "1", "--run-dir", str(run_dir),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=240)
    assert done.returncode in (0, 98, 99), done.stderr[-2000:]
    events = [json.loads(line) for line in (run_dir / "scaling.jsonl").read_text().splitlines()]
    decision = next(e for e in events if e["event"] == "decision")
    assert decision["alarm"] == "CPU > 1% for 3 of 3 periods" and len(decision["datapoints"]) == 3
    assert {"i-1", "i-2"} <= {e["instance"] for e in events if e["event"] == "in_service"}
    figures = json.loads((run_dir / "scaling.json").read_text())
    assert figures["spikes"][0]["instance"] == "i-2"
    assert "Scaling events" in (run_dir / "scaling.html").read_text()
    assert 'id="scaling-spikes"' in (run_dir / "report.html").read_text()
