"""The Capacity section, summary.json's model and instances, and `capacity instances --from-run`.

Runs are synthetic (exact per-second numbers) with plateaus that follow a known USL curve
in the closed model, and a target_cpu.csv whose CPU is 4% idle + 0.05% of a core per TPS.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from pathlib import Path

import pytest
from synthetic import StepSpec, SyntheticRun, write_run

from capacity.cli import main as capacity_main
from capacity.usl import usl_tps
from reports.build import build
from stairload.rundir import TARGET_CPU_CSV

SIGMA, KAPPA, LAMBDA = 0.02, 5e-5, 20.0  # N* = 140 users, peak ~1,170 TPS
USERS = (10, 20, 40, 80, 120, 160, 200, 240)
IDLE, PER_TPS = 4.0, 0.05  # CPU % of one core = 4 + 0.05 x TPS
STEP_SECONDS = 20
STARTED = int(datetime.fromisoformat("2026-11-17T08:53:20+00:00").timestamp())  # synthetic's
PLAN = {
    "requests_per_user_per_day": 18.5,
    "journey_seconds": 1000,
    "vusers": 2100,
    "target_tps": 4200.0,
    "start_case": "average",
    "end_case": "stress",
    "start_vusers": 1200,
}
RECORD = {
    "plan": PLAN,
    "cases": {
        "average": {"dau": 25000, "think_time_seconds": [0, 0]},
        "stress": {"dau": 45000, "think_time_seconds": [0, 0]},
    },
    "inputs": {
        "dau": 45000,
        "peak_rate": 2.0,
        "safety_factor": 2.0,
        "response_time_ms": 500,
        "seconds_per_day": 86400,
    },
}


def _usl_run(run_dir: Path, users: tuple[int, ...] = USERS, cpu: bool = True) -> Path:
    """A run whose plateaus are X(N) of the known USL, MTT = N / X(N), with target CPU."""
    steps = []
    for count in users:
        tps = 2 * round(usl_tps(count, SIGMA, KAPPA, LAMBDA) / 2)  # even: two request names
        steps.append(StepSpec(count, tps, count / tps * 1000))
    run = SyntheticRun(steps=steps, step_seconds=STEP_SECONDS, ramp_seconds=5, extra=RECORD)
    write_run(run_dir, run)
    if cpu:
        lines = ["unix_second,cpu_percent"]
        for second in range(run.total_seconds):
            spec = steps[second // STEP_SECONDS]
            lines.append(f"{STARTED + second},{IDLE + PER_TPS * spec.requests_per_second}")
        (run_dir / TARGET_CPU_CSV).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return run_dir


@pytest.fixture
def repo_scenarios() -> str:
    """The repository's own scenarios.yaml."""
    return str(Path(__file__).resolve().parents[2] / "scenarios.yaml")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    run_dir = _usl_run(tmp_path_factory.mktemp("capacity") / "run")
    build(run_dir)
    return run_dir


def _summary(run_dir: Path) -> dict:
    return json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))


def test_summary_model_recovers_the_known_curve(built: Path) -> None:
    """summary.json's model: trustworthy, sigma within 0.003, N* within 10% of 140."""
    model = _summary(built)["model"]
    assert model["trustworthy"], model["reason"]
    assert model["sigma"] == pytest.approx(SIGMA, abs=0.003)
    assert model["peak_users"] == pytest.approx(140, rel=0.10)
    assert len(model["points"]) == len(USERS)


def test_summary_instances_come_from_the_cpu_line(built: Path) -> None:
    """0.5 ms of CPU per request; stress needs ceil(4,200 / per-instance TPS) instances."""
    instances = _summary(built)["instances"]
    assert instances["cpu_seconds_per_request"] == pytest.approx(0.0005, rel=0.01)
    per_instance = instances["per_instance_tps"]
    assert per_instance <= (70 - IDLE) / PER_TPS + 1
    assert instances["stress"]["instances"] == math.ceil(4200 / per_instance)
    assert instances["average"]["instances"] == math.ceil(2400 / per_instance)


def test_steps_csv_has_each_steps_target_cpu(built: Path) -> None:
    """steps.csv's cpu_percent is the step's mean target CPU: 4 + 0.05 x TPS."""
    lines = (built / "steps.csv").read_text(encoding="utf-8").splitlines()
    header, first = lines[0].split(","), lines[1].split(",")
    tps = float(first[header.index("tps")])
    assert float(first[header.index("cpu_percent")]) == pytest.approx(IDLE + PER_TPS * tps)


def test_report_has_the_capacity_section_and_chart(built: Path) -> None:
    """report.html holds the Capacity section and the instance table; capacity.png exists."""
    page = (built / "report.html").read_text(encoding="utf-8")
    assert '<h2 id="capacity">Capacity</h2>' in page
    assert 'id="capacity-instances"' in page
    assert "trustworthy (R" in page
    assert (built / "capacity.png").stat().st_size > 10_000


def test_few_plateaus_give_an_untrusted_model_without_extrapolation(tmp_path: Path) -> None:
    """Four plateaus: model not trustworthy, the reason in the report, no N* in summary.json."""
    run_dir = _usl_run(tmp_path / "run", users=USERS[:4])
    build(run_dir)
    model = _summary(run_dir)["model"]
    assert not model["trustworthy"]
    assert model["reason"] == "only 4 plateaus (need at least 6)"
    assert (model["peak_users"], model["users_at_target_ms"]) == (None, None)
    assert "only 4 plateaus (need at least 6)" in (run_dir / "report.html").read_text("utf-8")


def test_instances_from_run_prints_the_counts(
    built: Path, capsys: pytest.CaptureFixture[str], repo_scenarios: str
) -> None:
    """`capacity instances --from-run RUN` prints one row per case with its instance count."""
    per_instance = _summary(built)["instances"]["per_instance_tps"]
    args = ["instances", "--from-run", str(built), "--scenarios", repo_scenarios]
    assert capacity_main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    stress = next(line for line in lines if line.startswith("stress"))
    assert stress.split()[:4] == ["stress", "45,000", "4,200", str(math.ceil(4200 / per_instance))]


def test_instances_from_run_json_at_another_dau(
    built: Path, capsys: pytest.CaptureFixture[str], repo_scenarios: str
) -> None:
    """--dau 60000 --format json gives the what-if case: 2,800 VUser, 5,600 TPS."""
    args = ["instances", "--from-run", str(built), "--dau", "60000", "--format", "json"]
    assert capacity_main([*args, "--scenarios", repo_scenarios]) == 0
    content = json.loads(capsys.readouterr().out)
    case = content["instances"]["what-if"]
    assert (case["dau"], case["vusers"], case["required_tps"]) == (60000, 2800, 5600)


def test_instances_explain_shows_the_derivations(
    built: Path, capsys: pytest.CaptureFixture[str], repo_scenarios: str
) -> None:
    """--explain adds the CPU line, each limit and each ceil(...) derivation."""
    args = ["instances", "--from-run", str(built), "--explain", "--scenarios", repo_scenarios]
    assert capacity_main(args) == 0
    out = capsys.readouterr().out
    assert "CPU line: cpu% = 4.00 + 0.05 x TPS" in out
    assert "  stress: ceil(4,200.0 TPS / " in out


def test_what_if_from_run_adds_measured_columns(
    built: Path, capsys: pytest.CaptureFixture[str], repo_scenarios: str
) -> None:
    """what-if --from-run shows the formula's plan and the run's instances and predicted MTT."""
    args = ["what-if", "--dau", "45000", "--from-run", str(built), "--scenarios", repo_scenarios]
    assert capacity_main(args) == 0
    out = capsys.readouterr().out
    assert "scenario2    9.635    38.542      2,083.3  2,100  4,200" in out
    assert f"measured by run {built.name}:" in out
    row = next(line for line in out.splitlines() if line.startswith("scenario2  2,100"))
    assert len(row.split()) == 5


def _error(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = capacity_main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_missing_run_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A directory without run.json: `Error: --from-run: DIR: not a run directory`, exit 2."""
    code, out, err = _error(["instances", "--from-run", str(tmp_path)], capsys)
    assert (code, out) == (2, "")
    assert err == f"Error: --from-run: {tmp_path}: not a run directory (no run.json)\n"


def test_run_without_cpu_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], repo_scenarios: str
) -> None:
    """A run with no target CPU cannot count instances: one line, exit 2."""
    run_dir = _usl_run(tmp_path / "run", cpu=False)
    args = ["instances", "--from-run", str(run_dir), "--scenarios", repo_scenarios]
    code, out, err = _error(args, capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"Error: --from-run: {run_dir}: no CPU of the service under test")
    assert err.count("\n") == 1


def test_run_with_too_few_steps_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], repo_scenarios: str
) -> None:
    """Two plateaus are too few for a model: one line naming the count, exit 2."""
    run_dir = _usl_run(tmp_path / "run", users=USERS[:2])
    args = ["instances", "--from-run", str(run_dir), "--scenarios", repo_scenarios]
    code, out, err = _error(args, capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"Error: --from-run: {run_dir}: 2 measured plateau(s); the capacity")
    assert err.count("\n") == 1


def test_the_first_lines_give_the_model_and_the_instance_range(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The console's model line: trusted, N* with its interval, instances with their range."""
    from reports.console import build_and_report

    build_and_report(built)
    line = capsys.readouterr().out.splitlines()[1]
    instances = _summary(built)["instances"]
    low, high = instances["stress"]["instances_range"]
    assert line.startswith("model: USL fit over 8 plateaus (0 probe steps), R^2 ")
    assert "peak concurrency N* " in line and "(95% CI " in line
    assert f"stress {instances['stress']['instances']} ({low} to {high})" in line
