"""The service under test's CPU for a run against --host: --target-pid, Prometheus, probes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from cgroup_budget import needs_cgroups
from stressrun_helpers import ROOT

from stairload.cli.run import main
from stairload.target.testing import launch_target

SMOKE = ["--time-scale", "0.05", "--users-scale", "0.01", "--target-users", "300", "--no-probes"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--query", "up"], "--query: needs --target-cpu-prometheus too"),
        (["--target-cpu-prometheus", "http://127.0.0.1:9"],
         "--target-cpu-prometheus: needs --query too"),
        (["--target-pid", "1", "--target-cpu-prometheus", "http://127.0.0.1:9", "--query", "up"],
         "--target-pid: give it or --target-cpu-prometheus, not both"),
        (["--target-pid", "1"],
         "--target-pid: needs --host (the embedded target's CPU is already measured from outside)"),
        (["--probe-users", "100,50"],
         "--probe-users: must be increasing whole numbers >= 1, e.g. 1,100,400 (got '100,50')"),
        (["--probe-users", "1,2000"], "--probe-users: must be below the stair's start users"),
        (["--host", "http://127.0.0.1:9", "--target-cpus", "1"],
         "--target-cpus: caps the embedded target only; give your own service its CPU limit"),
        (["--target-cpus", "0"], "--target-cpus: must be"),
    ],
    ids=["query alone", "url alone", "both sources", "pid without host", "falling", "too high",
         "budget with host", "budget zero"],
)  # fmt: skip
def test_bad_target_cpu_options_are_one_line_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Each mistake is one `Error:` line on stderr and exit 2, before anything runs."""
    code = main(["scenario2", "--run-dir", str(tmp_path / "run"), *args])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"Error: {message}")
    assert err.count("\n") == 1
    assert not (tmp_path / "run").exists()


def test_a_pid_that_does_not_exist_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--target-pid of an exited process: one line naming the pid, exit 2."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    args = ["scenario2", "--host", "http://127.0.0.1:9", "--target-pid", str(gone.pid)]
    assert main(args) == 2
    assert capsys.readouterr().err == f"Error: --target-pid: no such process (got {gone.pid})\n"


@pytest.mark.integration
def test_target_pid_and_probes_give_cpu_per_step_and_a_model(tmp_path: Path) -> None:
    """A run against --host with --target-pid and probe steps: CPU per step, probes apart."""
    (tmp_path / "target").mkdir()
    target = launch_target(tmp_path / "target", users=300)
    run_dir = tmp_path / "run"
    command = [sys.executable, "-m", "stairload", "run", "scenario2", *SMOKE,
               "--host", target.base_url, "--target-pid", str(target.process.pid),
               "--probe-users", "1,400", "--run-dir", str(run_dir)]  # fmt: skip
    try:
        result = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False
        )
    finally:
        tree = psutil.Process(target.process.pid)
        for member in [*tree.children(recursive=True), tree]:
            member.kill()
        target.process.wait()
    assert result.returncode in (0, 98, 99), result.stdout[-3000:] + result.stderr[-3000:]
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    assert [probe["users"] for probe in summary["probe_steps"]] == [1, 4]
    assert [step["users"] for step in summary["steps"]] == list(range(12, 22))
    measured = [step for step in summary["steps"] if step["status"] == "complete"]
    assert measured and all(step["cpu_percent"] > 0 for step in measured)
    assert summary["model"]["points"] and summary["model"]["reason"] is not None
    # Every valid plateau is a model point and carries the target's CPU; on a busy machine a
    # saturated load generator leaves steps out of both, so count them rather than assume.
    points = summary["model"]["points"]
    assert summary["instances"]["cpu_points"] == len(points) >= 1
    if len(points) >= 2:
        assert summary["instances"]["cpu_r2"] is not None
    assert (run_dir / "capacity.png").stat().st_size > 0


@pytest.mark.integration
@needs_cgroups
def test_a_budgeted_embedded_target_is_held_to_its_cores_and_counted_in_them(
    tmp_path: Path,
) -> None:
    """--target-cpus 0.3: CPU per step at most ~30%, run.json and the model say 0.3 cores."""
    run_dir = tmp_path / "run"
    command = [sys.executable, "-m", "stairload", "run", "scenario2", *SMOKE,
               "--target-cpus", "0.3", "--probe-users", "1,4",
               "--run-dir", str(run_dir)]  # fmt: skip
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False
    )
    assert result.returncode in (0, 98, 99), result.stdout[-3000:] + result.stderr[-3000:]
    assert "capped at 0.3 core(s) by a cgroup CPU quota" in result.stdout
    assert "the target's CPU budget held it back in " in result.stdout
    record = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    assert record["target_cpus"] == 0.3
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    cpu = [step["cpu_percent"] for step in summary["steps"] if step["cpu_percent"] is not None]
    assert cpu and max(cpu) <= 33.0
    assert summary["instances"]["cores"] == 0.3
    assert summary["instances"]["cpu_budget_cores"] == 0.3
    assert "capped at 0.3 core(s)" in (run_dir / "report.html").read_text(encoding="utf-8")
    assert not list(Path("/sys/fs/cgroup").glob("*/stairload-*"))
