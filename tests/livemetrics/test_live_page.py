"""``stairload run --web`` in a real small run, watched by headless Chromium while it climbs."""

from __future__ import annotations

import itertools
import os
import queue
import re
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser import ARGS, CHROMIUM, need_browser

from reports.build import analyse
from stairload.livemetrics import LiveSource
from stairload.livepage import LivePayload
from stairload.rundir import INTERVALS_CSV, RUN_JSON, RunRecord, read_intervals
from stairload.target.launch import free_port

pytestmark = [pytest.mark.integration, pytest.mark.browser]
ROOT = Path(__file__).resolve().parents[2]
# Set to a path (docs/img/live-page.png) to keep the screenshot this test takes for the docs.
SCREENSHOT_ENV = "STAIRLOAD_LIVE_PAGE_SCREENSHOT"
# Every wait is for an event, bounded generously: a busy 2-core CI machine is slow, not wrong.
WAIT_SECONDS = 120


class _Output:
    """The run's console, read on a thread (the pipe never fills); lines waited for."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._process = process
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self._queue.put(line)
        self._queue.put(None)

    def wait_for(self, pattern: str) -> re.Match[str]:
        """The first line matching ``pattern``; fails when the run ends or time runs out."""
        while True:
            try:
                line = self._queue.get(timeout=WAIT_SECONDS)
            except queue.Empty:
                pytest.fail(f"no line matching {pattern!r} in {WAIT_SECONDS} s:\n{self.text}")
            if line is None:
                pytest.fail(f"the run ended before a line matching {pattern!r}:\n{self.text}")
            self.lines.append(line)
            found = re.search(pattern, line)
            if found:
                return found

    @property
    def text(self) -> str:
        return "".join(self.lines)

    def drain(self) -> str:
        """Everything the run printed (it has ended)."""
        self._thread.join(timeout=WAIT_SECONDS)
        if self._process.stdout is not None:
            self._process.stdout.close()
        while not self._queue.empty():
            line = self._queue.get_nowait()
            if line is not None:
                self.lines.append(line)
        return self.text


def _run(run_dir: Path, port: int) -> subprocess.Popen[str]:
    """Three 10 s plateaus of 6, 7 and 8 users: step 2 is measured from ~14 s to ~21 s."""
    return subprocess.Popen(
        [sys.executable, "-m", "stairload", "run", "scenario2", "--time-scale", "0.05",
         "--users-scale", "0.005", "--step-seconds", "200", "--end-users", "1600",
         "--hold-seconds", "200", "--target-users", "300", "--workers", "0",
         "--web", "--web-port", str(port), "--run-dir", str(run_dir), "--no-report"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip


@dataclass(frozen=True)
class Watched:
    """What the browser saw during the run, and how the run ended."""

    run_dir: Path
    returncode: int
    output: str
    running_when_seen: bool  # the run was still going when step 2's row showed
    problems: list[str]  # console errors, page errors, failed requests
    step_1: str  # the rows' text, cells split by tabs
    step_2: str
    validity: str | None
    chart_lines: tuple[int, int, int]  # plan, running users, MTT target
    status: str
    generator: str


@pytest.fixture(scope="module")
def watched(tmp_path_factory: pytest.TempPathFactory) -> Watched:
    """One real small run with --web, its page open in headless Chromium while it climbs."""
    need_browser()
    from playwright.sync_api import sync_playwright

    port = free_port()
    run_dir = tmp_path_factory.mktemp("live") / "scenario2-live"
    problems: list[str] = []
    with sync_playwright() as playwright:
        # launched before the run, so its start-up does not race the stair
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        process = _run(run_dir, port)
        output = _Output(process)
        try:
            header = output.wait_for(r"\[stairload\] live page: (http://\S+)")
            assert header.group(1) == f"http://127.0.0.1:{port}/"
            served = output.wait_for(r"live page on (http://\S+)")  # the master is serving
            assert served.group(1) == header.group(1)
            page = browser.new_page(viewport={"width": 1280, "height": 1100})
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
            page.goto(header.group(1), wait_until="load")
            row_2 = '#steps tr[data-step="2"]'
            measured = f'{row_2} td[data-validity]:not([data-validity="unmeasured"])'
            page.wait_for_selector(measured, timeout=WAIT_SECONDS * 1000)
            running = process.poll() is None
            seen = {
                "step_1": page.inner_text('#steps tr[data-step="1"]'),
                "step_2": page.inner_text(row_2),
                "validity": page.get_attribute(f"{row_2} td[data-validity]", "data-validity"),
                "chart_lines": tuple(
                    page.locator(selector).count()
                    for selector in (
                        "#users-chart polyline.plan",
                        "#users-chart polyline.actual",
                        "#mtt-chart polyline.target",
                    )
                ),
                "status": page.inner_text("#status"),
                "generator": page.inner_text("#generator tbody"),
            }
            if os.environ.get(SCREENSHOT_ENV):
                page.screenshot(path=os.environ[SCREENSHOT_ENV], full_page=True)
            page.close()  # before the run ends: a page left open then sees its server go
        finally:
            browser.close()
            process.wait(timeout=WAIT_SECONDS)
    return Watched(run_dir, process.returncode, output.drain(), running, problems, **seen)


def test_the_page_shows_the_second_step_with_its_validity_before_the_run_ends(
    watched: Watched,
) -> None:
    """Step 2's row (7 planned users) and its validity show while the run still climbs."""
    assert watched.returncode == 0, watched.output
    assert watched.running_when_seen
    assert watched.step_2.split("\t")[:2] == ["2", "7"], watched.step_2
    assert watched.validity in ("valid", "caveat", "invalid")
    assert re.search(r"step \d of 3", watched.status), watched.status


def test_the_page_has_no_console_errors(watched: Watched) -> None:
    """No console error, page error or failed request while the run is watched."""
    assert watched.problems == []


def test_the_page_draws_the_plan_the_users_and_the_mtt_target(watched: Watched) -> None:
    """One planned stair, one running-users line and the MTT target line; the generator."""
    assert watched.chart_lines == (1, 1, 1)
    assert watched.generator.startswith("local"), watched.generator


def test_the_pages_finished_step_is_the_reports_step(watched: Watched) -> None:
    """Step 1, complete when step 2 showed, has the TPS and MTT of the report's step 1."""
    report = analyse(watched.run_dir).steps[0]
    tps_cell, mtt_cell = watched.step_1.split("\t")[5:7]
    assert float(tps_cell.split()[0]) == pytest.approx(report.tps, abs=0.051), watched.step_1
    assert float(mtt_cell.split()[0]) == pytest.approx(report.mtt_ms, abs=0.051), watched.step_1


def test_the_payload_of_the_whole_real_run_is_the_reports_step_table(watched: Watched) -> None:
    """The run's real rows, fed second by second, give the report's rows and validity."""
    run_dir = watched.run_dir
    source = LiveSource()
    record = RunRecord.load(run_dir / RUN_JSON)
    payload = LivePayload(source, lambda: record, run_dir)
    rows = read_intervals(run_dir / INTERVALS_CSV)
    for second, group in itertools.groupby(rows, key=lambda row: row.time_s):
        source.on_second(second, list(group))
    live = payload.build()["steps"]
    report = analyse(run_dir).steps
    assert [row["step"] for row in live] == [step.step for step in report] == [1, 2, 3]
    for row, step in zip(live, report, strict=True):
        assert row["tps"] == pytest.approx(step.tps, abs=0.051)
        assert row["mtt_ms"] == pytest.approx(step.mtt_ms, abs=0.051)
        assert row["p95_ms"] == pytest.approx(step.p95_ms)
        assert (row["valid"], row["invalid_reason"]) == (step.valid, step.invalid_reason)


def test_a_taken_web_port_stops_the_run_before_any_load(tmp_path: Path) -> None:
    """Preflight: one line naming the port, exit 2, no run started."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "stairload", "run", "scenario2", "--time-scale", "0.05",
             "--users-scale", "0.005", "--web", "--web-port", str(port),
             "--run-dir", str(tmp_path / "run"), "--no-report"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=WAIT_SECONDS,
        )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"Error: --web-port {port}: 127.0.0.1:{port} is not free (Address already in use); "
        "choose another port"
    ]
