"""Closed vs open workload against a loopback service that stalls 2 s once every 10 s.

A closed stair's users wait out the stall with it: each sends one stalled request, so the
stall is a handful of samples among thousands and its p99 hides it. An open stair keeps
starting journeys on schedule: every journey due during the stall waits (its user-seen
time shows it), and once the pool's few users are all stuck the rest are dropped and
counted, which makes the step invalid. Each run lasts 10 s.
"""

from __future__ import annotations

import csv
import itertools
import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from exact_totals import assert_exact_totals
from markupsafe import escape
from stressrun_helpers import ROOT

from reports.build import analyse
from reports.compare import compare
from stairload.livemetrics import LiveSource
from stairload.livepage import LivePayload
from stairload.rundir import RunRecord, read_intervals
from stairload.rundir.latency import LatencyHistogram

pytestmark = pytest.mark.integration

STALL_EVERY_S, STALL_S = 10.0, 2.0
SCENARIOS = """\
service: {name: stalls, response_time_ms: 500, peak_rate: 2.0, safety_factor: 2.0}
cases:
  average: {dau: 25000}
  stress: {dau: 45000}
thresholds: {mtt_ms: 500, error_rate: 0.01}
scenarios:
  ping:
    requests_per_user_per_day: 1
    journey_seconds: 10
    steps: [{request: GET /ping}]
    stairs: {step_users: 1, step_seconds: 12, hold_seconds: 12, spawn_rate: 100}
"""


class _StallingServer(ThreadingHTTPServer):
    daemon_threads = True
    started = 0.0


class _StallingHandler(BaseHTTPRequestHandler):
    """Answers at once, except in the 2 s after each 10 s mark: then when the stall ends."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # the body's own segment is not held for a delayed ACK
    server: _StallingServer

    def log_message(self, *_: object) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        """``ok``, after the stall if one is on."""
        into = (time.monotonic() - self.server.started) % STALL_EVERY_S
        if into < STALL_S:
            time.sleep(STALL_S - into)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


@contextmanager
def _stalling_service() -> Iterator[str]:
    server = _StallingServer(("127.0.0.1", 0), _StallingHandler)
    # the first stall 8 s after the service starts: about 3 s into the run (whose
    # processes take about 5 s to start), well inside its 10 s
    server.started = time.monotonic() - 2.0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _run(folder: Path, name: str, *load: str) -> Path:
    scenarios = folder / "scenarios.yaml"
    scenarios.write_text(SCENARIOS, encoding="utf-8")
    run_dir = folder / name
    with _stalling_service() as host:
        command = [sys.executable, "-m", "stairload", "run", "ping", "--scenarios", str(scenarios)]
        command += ["--host", host, "--workers", "0", "--run-dir", str(run_dir), *load]
        command += ["--fail-exit-code", "0"]
        result = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
        )
    assert (run_dir / "summary.json").exists(), result.stdout[-3000:] + result.stderr[-3000:]
    return run_dir


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(closed run of 4 users, open run of 40 journeys/s on a pool of at most 20 users)."""
    folder = tmp_path_factory.mktemp("open-workload")
    closed = _run(
        folder,
        "closed",
        *("--start-users", "4", "--end-users", "4", "--step-users", "4", "--hold-seconds", "10"),
    )
    open_ = _run(
        folder,
        "open",
        *("--shape", "arrivals", "--start-rate", "40", "--end-rate", "40"),
        *("--hold-seconds", "10", "--max-users", "20"),
    )
    return closed, open_


def _step(run_dir: Path) -> dict[str, object]:
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    (step,) = summary["steps"]
    return step


def _totals(run_dir: Path) -> list[dict[str, str]]:
    with (run_dir / "intervals.csv").open(newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["name"] == "Total"]


def test_the_closed_stairs_p99_hides_the_stall(runs: tuple[Path, Path]) -> None:
    """4 users stall once each: a few slow samples among thousands, p99 far below 2 s."""
    closed, _ = runs
    step = _step(closed)
    stalled = sum(
        LatencyHistogram.from_cell(row["histogram"]).count_above_ms(1000)
        for row in _totals(closed)
        if row["histogram"]
    )
    assert 1 <= stalled <= 8, stalled  # one or two stalls, each holding the 4 users
    assert step["requests"] > 100 * stalled
    assert step["p99_ms"] < 1000, step


def test_the_open_stairs_user_seen_p99_shows_the_stall(runs: tuple[Path, Path]) -> None:
    """Journeys keep coming during the stall: its delayed requests weigh in p99 and are counted."""
    _, open_ = runs
    step = _step(open_)
    delayed = sum(
        LatencyHistogram.from_cell(row["corrected_histogram"]).count_above_ms(1000)
        for row in _totals(open_)
        if row["corrected_histogram"]
    )
    assert delayed >= 15, delayed  # the pool's 20 users, each stuck in the stall
    assert step["over_target"] >= delayed  # over 500 ms, user-seen: counted per step
    assert step["p99_ms"] >= 1000, step  # user-seen (the verdict's view in an open run)
    assert step["service_p99_ms"] is not None
    assert_exact_totals(open_)


def test_journeys_with_no_free_user_are_dropped_and_the_step_is_invalid(
    runs: tuple[Path, Path],
) -> None:
    """20 users stuck for up to 2 s at 40 journeys/s: tens of journeys dropped, counted
    in intervals.csv and steps, and the step is not a valid measurement."""
    _, open_ = runs
    step = _step(open_)
    dropped = sum(int(row["dropped"]) for row in _totals(open_))
    assert dropped >= 10, dropped
    assert step["dropped"] == dropped
    assert step["started"] + step["dropped"] == step["planned_starts"]
    summary = json.loads((open_ / "summary.json").read_text(encoding="utf-8"))
    assert summary["invalid_steps"] == [1]
    assert "planned journeys dropped" in summary["reason"]
    assert summary["open"]["first_schedule_missed"]["step"] == 1
    # the knee is the arrival fit's (the first step that fell behind), not a users-based one
    assert summary["knee_step"] == 1
    assert summary["knee_note"].startswith("knee at or below 40.00 journeys/s")


def test_an_arrival_stair_from_the_plan_keeps_its_schedule_on_the_embedded_target(
    tmp_path: Path,
) -> None:
    """make stress SCENARIO=scenario3 SHAPE=arrivals, two workers: the plan's rates (x10:
    11.6, 19.0 and 20.8 journeys/s, 6 s each) start within 1% (or one journey per worker)
    of the plan in every step, none dropped, every planned journey started, and the
    per-second counts add up exactly to Locust's own."""
    run_dir = tmp_path / "run"
    command = ["make", "--no-print-directory", "stress", "SCENARIO=scenario3", "SHAPE=arrivals"]
    command += ["TIME_SCALE=0.1", "USERS_SCALE=10", "WORKERS=2", f"RUN_DIR={run_dir}"]
    command += ["STRESS_ARGS=--hold-seconds 60"]
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False
    )
    output = result.stdout[-3000:] + result.stderr[-3000:]
    assert (run_dir / "summary.json").exists(), output
    record = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    assert record["shape"] == "arrivals" and record["workers"] == 2
    planned = [step["planned_starts"] for step in record["arrivals"]["steps"]]
    assert planned == [70, 114, 125]  # ceil of cumulative rate x seconds at each step's end
    steps = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))["steps"]
    for step, plan in zip(steps, planned, strict=True):
        assert step["planned_starts"] == plan
        assert step["dropped"] == 0, step
        assert abs(step["started"] - plan) <= max(0.01 * plan, 2), step
    totals = _totals(run_dir)
    assert sum(int(row["started"]) for row in totals) == sum(planned)
    assert sum(int(row["dropped"]) for row in totals) == 0
    assert_exact_totals(run_dir)


def test_the_report_of_an_open_run_shows_the_schedule_and_both_latency_views(
    runs: tuple[Path, Path],
) -> None:
    """report.html has the open-workload table and the arrivals chart; the verdict says
    it judged user-seen times."""
    _, open_ = runs
    page = (open_ / "report.html").read_text(encoding="utf-8")
    assert '<table id="open-steps">' in page
    assert "service MTT / p95 / p99 ms" in page and "user-seen MTT / p95 / p99 ms" in page
    assert (open_ / "arrivals.png").stat().st_size > 0
    summary = json.loads((open_ / "summary.json").read_text(encoding="utf-8"))
    assert summary["caveats"][0].startswith("Open run (journeys started on a schedule)")
    # fitted against the offered rate, not users: its one step fell behind at once, so the
    # first lines put the knee at or below it and ask for a stair that starts lower
    trust = summary["trust"]
    assert not trust["trusted"]
    assert trust["summary"].startswith(
        "NOT trustworthy: 1 offered rate measured; a knee and a crossing need at least 2; "
        "knee at or below 40.00 journeys/s (the first step already fell behind: "
    ), trust
    assert (
        "a lower --start-rate (the first step, 40.00 journeys/s, already fell behind), so "
        "some step keeps up"
    ) in trust["changes"]
    assert summary["arrival_model"]["knee"]["first_behind"] == {"step": 1, "journeys_per_s": 40.0}
    assert f"<b>model:</b> {escape(trust['summary'])}" in page
    assert '<table id="capacity-rates">' in page


def test_compare_lists_a_closed_and_an_open_run_each_with_its_own_x_and_model_line(
    runs: tuple[Path, Path], tmp_path: Path
) -> None:
    """Users against journeys/s cannot be matched: each run's steps on their own, no deltas."""
    closed, open_ = runs
    result = compare(closed, open_, tmp_path / "cmp")
    assert result.matched_by is None
    assert [(row["run"], row["users"], row["offered_rate"]) for row in result.rows] == [
        ("A", 4, None),
        ("B", None, 40.0),
    ]
    page = (result.out_dir / "compare.html").read_text(encoding="utf-8")
    assert "their steps cannot be matched" in page
    assert "; closed, users)" in page and "; open, offered journeys/s)" in page
    open_model = json.loads((open_ / "summary.json").read_text(encoding="utf-8"))["trust"]
    assert f"<br>model: {escape(open_model['summary'])}" in page


def test_compare_matches_two_open_runs_by_offered_rate(
    runs: tuple[Path, Path], tmp_path: Path
) -> None:
    """The open run against itself: one row, keyed by its 40 journeys/s, no change."""
    _, open_ = runs
    result = compare(open_, open_, tmp_path / "same")
    assert result.matched_by == "offered_rate"
    (row,) = result.rows
    assert (row["offered_rate"], row["tps_delta_pct"], row["mtt_delta_pct"]) == (40.0, 0.0, 0.0)
    header = (result.out_dir / "compare.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("offered_rate,tps_a,tps_b,")


def test_judge_latency_service_makes_the_verdict_judge_the_service_times(
    runs: tuple[Path, Path], tmp_path: Path
) -> None:
    """The same open run, its schedule saying ``judge_latency: service`` (what
    ``--judge-latency service`` records): the verdict's MTT is the stress step's service
    MTT, the step table keeps the user-seen one, and the caveat says which was judged."""
    _, open_ = runs
    copy = tmp_path / "service"
    shutil.copytree(open_, copy)
    record = json.loads((copy / "run.json").read_text(encoding="utf-8"))
    assert record["arrivals"]["judge_latency"] == "user-seen"  # the default, recorded
    record["arrivals"]["judge_latency"] = "service"
    (copy / "run.json").write_text(json.dumps(record), encoding="utf-8")
    for name in ("summary.json", "report.html"):
        (copy / name).unlink()
    result = subprocess.run(
        [sys.executable, "-m", "stairload", "report", "build", str(copy)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (copy / "summary.json").exists(), result.stdout[-2000:] + result.stderr[-2000:]
    before = json.loads((open_ / "summary.json").read_text(encoding="utf-8"))
    after = json.loads((copy / "summary.json").read_text(encoding="utf-8"))
    stress = after["steps"][-1]
    mtt = {check["name"]: check["measured"] for check in after["checks"]}["mtt_at_stress_step_ms"]
    assert mtt == pytest.approx(stress["service_mtt_ms"], abs=1e-3)
    assert stress["mtt_ms"] == before["steps"][-1]["mtt_ms"]  # the table: user-seen, unchanged
    assert stress["service_mtt_ms"] != stress["mtt_ms"]  # so the two views differ here
    assert "The verdict judges the service times" in after["caveats"][0]
    assert "The verdict judges the service times" not in before["caveats"][0]


def test_the_live_page_marks_the_dropping_step_invalid_as_the_report_does(
    runs: tuple[Path, Path],
) -> None:
    """The open run's intervals.csv fed to the live page one second at a time, as the
    master feeds it: the step that dropped journeys is invalid there with the report's
    reason, and its MTT is the report's user-seen one."""
    _, open_ = runs
    source = LiveSource()
    for second, group in itertools.groupby(
        read_intervals(open_ / "intervals.csv"), key=lambda row: row.time_s
    ):
        source.on_second(second, list(group))
    record = RunRecord.load(open_ / "run.json")
    (row,) = LivePayload(source, lambda: record, open_).build()["steps"]
    (step,) = analyse(open_).steps
    assert not step.valid and "planned journeys dropped" in (step.invalid_reason or "")
    assert (row["valid"], row["invalid_reason"]) == (step.valid, step.invalid_reason)
    assert row["mtt_ms"] == pytest.approx(step.mtt_ms, abs=0.05)
