"""Writes ``intervals.csv``: exact per-second statistics, merged on the master.

Processes that run users file each request under its completion second and sample their
user count at each second's end. Workers ship both to the master with every stats
report, with the last second they have complete; the master writes a second once every
worker has reported past it. Without workers the local process does both halves.

A worker learns the time origin from the master. The master broadcasts it when the
shape starts, which can reach a worker that is connected but has not run its init yet
(Locust logs "Unknown message type received: stairload_t0" and drops it), so each worker
also asks for it once its handler is in place; requests that end before it arrives are
kept and filed when it does.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gevent
from locust.runners import MasterRunner, WorkerRunner

from capacity.stairs import stage_at
from stairload.core.faults import is_generator_fault
from stairload.loadgen.runtime import run_context, runtime
from stairload.rundir import COLUMNS, INTERVALS_CSV, IntervalRow
from stairload.rundir.atomic import RunDirFault, Stream
from stairload.rundir.histogram import IntervalBook, second_rows

_T0_MESSAGE = "stairload_t0"
_T0_REQUEST = "stairload_t0_request"  # a worker whose handler is ready asks for t0
_EARLY_LIMIT = 100_000  # requests a worker keeps while it waits for t0
# A second counts as complete one second after it ends: under load the greenlets that
# sample users and fire request events can lag, and a closed second is never reopened.
_SLACK_SECONDS = 2
_REPORT_KEY = "stairload_intervals"

SecondListener = Callable[[int, list[IntervalRow]], None]


class IntervalRecorder:
    """One per Locust process; see the module docstring for who does what."""

    def __init__(self, environment: Any) -> None:
        self.environment = environment
        self.book = IntervalBook()
        self.listeners: list[SecondListener] = []
        self._worker_upto: dict[str, int] = {}
        self._written_through = -1
        self.late_requests = 0  # reported after their second was written; filed in the next
        self.target_cpu: dict[int, float] = {}  # filled by TargetCpu for an embedded target
        self._last_users = 0
        # users each second's end: Locust's count, or an open run's busy pooled users
        self.users_now: Callable[[], int] = lambda: environment.runner.user_count
        # an open run adds its per-second counts to each second's rows (loadgen.arrivals)
        self.decorate: Callable[[int, list[IntervalRow]], list[IntervalRow]] | None = None
        self._stream: Stream | None = None  # intervals.csv once its first rows are due
        self.fault: RunDirFault | None = None  # intervals.csv could not be written
        self.on_fault: Callable[[RunDirFault], None] = lambda _fault: None
        self._greenlets: list[gevent.Greenlet] = []
        self._early: list[tuple[Any, ...]] = []  # a worker's requests before t0 arrived
        runner = environment.runner
        self._is_master = isinstance(runner, MasterRunner)
        self._is_worker = isinstance(runner, WorkerRunner)
        events = environment.events
        if not self._is_master:
            events.request.add_listener(self._on_request)
        if self._is_worker:
            events.report_to_master.add_listener(self._on_report_to_master)
            runner.register_message(_T0_MESSAGE, self._on_t0_message)
            runner.send_message(_T0_REQUEST)
        if self._is_master:
            events.worker_report.add_listener(self._on_worker_report)
            events.worker_connect.add_listener(self._on_worker_connect)
            runner.register_message(_T0_REQUEST, self._on_t0_request)
        runtime(environment).on_start.append(self._on_start)

    # Every process that runs users.

    def _on_start(self, t0: float) -> None:
        if self._is_master:
            self.environment.runner.send_message(_T0_MESSAGE, t0)
        else:
            self._greenlets.append(gevent.spawn(self._sample_users))
        if not self._is_worker:
            self._greenlets.append(gevent.spawn(self._write_loop))

    def _on_t0_message(self, environment: Any, msg: Any, **_: Any) -> None:
        state = runtime(environment)
        if state.t0 is None:
            state.mark_started(float(msg.data))
            early, self._early = self._early, []
            for request in early:
                self._on_request(*request)

    def _on_request(
        self,
        request_type: str,
        name: str,
        response_time: float,
        exception: Any = None,
        start_time: float | None = None,
        **_: Any,
    ) -> None:
        state = runtime(self.environment)
        if state.t0 is None:
            if len(self._early) < _EARLY_LIMIT:
                when = start_time if start_time else time.time() - response_time / 1000
                self._early.append((request_type, name, response_time, exception, when))
            return
        finished = (start_time + response_time / 1000) if start_time else time.time()
        second = max(0, math.floor(finished - state.t0))
        if exception is not None and is_generator_fault(exception):
            self.book.add_fault(second, request_type, name)
            return
        self.book.add(second, request_type, name, response_time, exception is not None)

    def _sample_users(self) -> None:
        state = runtime(self.environment)
        second = 0
        while True:
            gevent.sleep(max(0.0, state.t0 + second + 1 - time.time()))
            self.book.users[second] = self.users_now()
            second += 1

    # Workers.

    def _on_report_to_master(self, client_id: str, data: dict[str, Any]) -> None:
        state = runtime(self.environment)
        if state.t0 is None:
            return
        wire, users = self.book.take_wire()
        upto = math.floor(state.elapsed()) - _SLACK_SECONDS
        data[_REPORT_KEY] = {"buckets": wire, "users": users, "upto": upto}

    # The master (or the local process).

    def _on_worker_connect(self, client_id: str, **_: Any) -> None:
        t0 = runtime(self.environment).t0
        if t0 is not None:
            self.environment.runner.send_message(_T0_MESSAGE, t0, client_id)

    def _on_t0_request(self, environment: Any, msg: Any, **_: Any) -> None:
        """A worker asks once its handler is ready; before the start, the broadcast will do."""
        t0 = runtime(environment).t0
        if t0 is not None:
            environment.runner.send_message(_T0_MESSAGE, t0, msg.node_id)

    def _on_worker_report(self, client_id: str, data: dict[str, Any]) -> None:
        report = data.get(_REPORT_KEY)
        if report is None:
            return
        self.book.merge_wire(report["buckets"], report["users"])
        self._worker_upto[client_id] = int(report["upto"])

    def _complete_through(self) -> int:
        now_second = math.floor(runtime(self.environment).elapsed()) - _SLACK_SECONDS
        if not self._is_master:
            return now_second
        live = [
            client.id for client in self.environment.runner.clients.all if client.state != "missing"
        ]
        reported = [self._worker_upto.get(client_id, -1) for client_id in live]
        return min(reported) if reported else now_second

    def _write_loop(self) -> None:
        while True:
            gevent.sleep(1.0)
            self.write_through(self._complete_through())

    def write_through(self, last_second: int) -> None:
        """Write every second up to ``last_second`` that is not written yet."""
        if last_second <= self._written_through:
            return
        state = runtime(self.environment)
        stairs = run_context(self.environment).stairs
        named_by_second, late = self.book.pop_open_seconds(self._written_through + 1, last_second)
        self.late_requests += late
        users_by_second = self.book.pop_users_through(last_second)
        rows: list[IntervalRow] = []
        for second in range(self._written_through + 1, last_second + 1):
            stage = stage_at(stairs, second)
            # A second without a sample (the partial one after the shape ended) keeps the
            # last count seen, so every row has users.
            self._last_users = users_by_second.get(second, self._last_users)
            second_rows_ = second_rows(
                second,
                (state.t0 or 0.0) + second,
                named_by_second.get(second, {}),
                self._last_users,
                stage.users if stage else 0,
                self.target_cpu.get(second),
            )
            if self.decorate is not None:
                second_rows_ = self.decorate(second, second_rows_)
            rows.extend(second_rows_)
            for listener in self.listeners:
                listener(second, second_rows_)
        self._written_through = last_second
        self._append(rows)

    def flush(self) -> None:
        """Write everything still held (the run is over); stop the background loops."""
        for greenlet in self._greenlets:
            greenlet.kill(block=False)
        if self._is_worker or runtime(self.environment).t0 is None:
            return
        held = [key[0] for key in self.book.buckets] + list(self.book.users)
        last = max([*held, math.floor(runtime(self.environment).elapsed()) - 1])
        if self.book.buckets:  # late ones of written seconds need one more second to go in
            last = max(last, self._written_through + 1)
        self.write_through(last)
        if self._stream is not None:
            with contextlib.suppress(RunDirFault):
                self._stream.close()
            self._stream = None

    def _append(self, rows: list[IntervalRow]) -> None:
        """Append whole rows; a fault stops the writing (``on_fault`` says so once)."""
        run_dir = run_context(self.environment).run_dir
        if run_dir is None or not rows or self.fault is not None:
            return
        text = io.StringIO()
        writer = csv.writer(text)
        try:
            if self._stream is None:
                self._stream = Stream(Path(run_dir) / INTERVALS_CSV)
                writer.writerow(COLUMNS)
            writer.writerows(row.cells() for row in rows)
            self._stream.write(text.getvalue())
        except RunDirFault as fault:
            self.fault = fault
            self.on_fault(fault)
