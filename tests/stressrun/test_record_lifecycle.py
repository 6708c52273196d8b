"""run.json's moments as the runner writes them: planned, then one final record, never patched."""

from __future__ import annotations

from pathlib import Path

import pytest
from stressrun_helpers import ROOT

from stairload.core import exitcodes
from stairload.loadgen.context import context_from_options
from stairload.loadgen.run_record import RUNNER_ENV, end_record_name
from stairload.options import RunOptions
from stairload.run.arguments import build_parser, build_spec
from stairload.run.conclude import conclude, end_before_locust
from stairload.run.locust_processes import Children
from stairload.run.record_lifecycle import runner_record, write_planned
from stairload.run.request import RunRequest
from stairload.run.stop import StopRequest
from stairload.rundir import MASTER_RECORD_JSON, RUN_JSON, ExitReason, RunRecord


def _request(run_dir: Path, *options: str) -> RunRequest:
    args = build_parser().parse_args(
        ["scenario2", "--scenarios", str(ROOT / "scenarios.yaml"), "--time-scale", "0.05",
         "--users-scale", "0.01", "--workers", "0", "--no-probes", *options]
    )  # fmt: skip
    run_dir.mkdir()
    context = context_from_options(RunOptions.from_namespace(args)).with_run_dir(run_dir)
    return RunRequest(context, build_spec(args, context, host=args.host))


def _hand_over(request: RunRequest, reason: ExitReason) -> None:
    """What the Locust master leaves at its end under the runner."""
    record = runner_record(request, host="http://127.0.0.1:1", exit_reason=reason)
    record.dump(request.run_dir / MASTER_RECORD_JSON)


def _conclude(request: RunRequest, stop: StopRequest | None = None, locust_code: int = 0) -> int:
    children = Children(lost=[{"time_s": 3.0, "worker": "worker-1", "reason": "process exited"}])
    return conclude(
        request, "http://127.0.0.1:1", stop or StopRequest(), children, locust_code, {"samples": 1}
    )


def test_a_runner_killed_before_locust_leaves_a_loadable_starting_record(tmp_path):
    """The planned record is the whole of run.json until Locust starts: it loads, 'starting'."""
    request = _request(tmp_path / "run")
    write_planned(request, None)
    record = RunRecord.load(request.run_dir / RUN_JSON)
    assert (record.exit_reason, record.exit_code) == (ExitReason.STARTING, None)


def test_the_masters_hand_over_becomes_the_one_final_record(tmp_path):
    """The master's record plus what only the runner knows, written once; the hand-over goes."""
    request = _request(tmp_path / "run", "--no-report")
    _hand_over(request, ExitReason.COMPLETED)
    assert _conclude(request) == exitcodes.OK
    record = RunRecord.load(request.run_dir / RUN_JSON)
    assert (record.exit_reason, record.exit_code, record.locust_exit_code) == (
        ExitReason.COMPLETED,
        exitcodes.OK,
        0,
    )
    assert record.load_generator["lost_workers"][-1]["worker"] == "worker-1"
    assert record.machine["samples"] == 1
    assert not (request.run_dir / MASTER_RECORD_JSON).exists()


def test_a_signal_wins_over_the_masters_own_reason(tmp_path):
    """SIGTERM to the runner: run.json says terminated and 143, whatever the master saw."""
    request = _request(tmp_path / "run", "--no-report")
    _hand_over(request, ExitReason.INTERRUPTED)
    stop = StopRequest(reason=ExitReason.TERMINATED)
    assert _conclude(request, stop) == exitcodes.TERMINATED
    record = RunRecord.load(request.run_dir / RUN_JSON)
    assert (record.exit_reason, record.exit_code) == (ExitReason.TERMINATED, 143)


def test_no_hand_over_is_an_error_record(tmp_path, capsys):
    """Locust quit before its run started: run.json says error, exit 4, and why on stderr."""
    request = _request(tmp_path / "run", "--no-report")
    assert _conclude(request, locust_code=1) == exitcodes.LOCUST_FAILED
    record = RunRecord.load(request.run_dir / RUN_JSON)
    assert (record.exit_reason, record.exit_code) == (ExitReason.ERROR, exitcodes.LOCUST_FAILED)
    assert "Error: Locust stopped before the run started (exit 1)" in capsys.readouterr().err


def test_a_report_that_cannot_be_built_exits_1_and_says_so(tmp_path, capsys):
    """A completed run whose report fails (no intervals) exits 1, and run.json records 1."""
    request = _request(tmp_path / "run")
    _hand_over(request, ExitReason.COMPLETED)
    assert _conclude(request) == exitcodes.FAILED
    assert RunRecord.load(request.run_dir / RUN_JSON).exit_code == exitcodes.FAILED
    assert "Error: the report could not be built from" in capsys.readouterr().err


def test_a_run_that_ends_before_locust_writes_its_code_once(tmp_path):
    """A target that never answered: one final record, target_unreachable and 3."""
    request = _request(tmp_path / "run")
    assert end_before_locust(request, None, exitcodes.TARGET_UNREACHABLE) == 3
    record = RunRecord.load(request.run_dir / RUN_JSON)
    assert (record.exit_reason, record.exit_code) == (ExitReason.TARGET_UNREACHABLE, 3)


@pytest.mark.parametrize(
    ("runner", "reason", "name"),
    [
        ("1", ExitReason.COMPLETED, MASTER_RECORD_JSON),  # the runner writes run.json
        ("1", ExitReason.RUNNER_LOST, RUN_JSON),  # the runner is gone: no one else will
        (None, ExitReason.COMPLETED, RUN_JSON),  # a plain locust run
    ],
)
def test_the_master_writes_its_end_record_where_no_one_else_will(monkeypatch, runner, reason, name):
    """Under a live runner the master hands its record over; otherwise it writes run.json."""
    if runner is None:
        monkeypatch.delenv(RUNNER_ENV, raising=False)
    else:
        monkeypatch.setenv(RUNNER_ENV, runner)
    assert end_record_name(reason) == name
