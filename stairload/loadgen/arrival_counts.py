"""Per-second counts of an open run: journeys started, dropped, and the corrected latencies.

Every process that runs journeys counts, per second since the run started, the journeys
its pool started (by the second they did start), the ones it dropped (by the second
they were due) and, for each request of a pooled journey, its user-seen time: the
response time plus how late its journey started against the schedule (coordinated
omission corrected, SPEC section 8). Workers ship what they counted with every stats
report (the same message as the interval recorder's, so a second the recorder writes
is complete here too); the master merges, and the interval writer pops each second.

The corrected times are kept as a histogram of Locust-rounded milliseconds, like the
service times (``stairload.rundir.histogram``); when the HDR histograms replace those,
this is the one place to switch.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import Any

from locust.runners import MasterRunner, WorkerRunner

from stairload.core.faults import is_generator_fault
from stairload.loadgen.runtime import runtime
from stairload.rundir import IntervalRow
from stairload.rundir.histogram import format_histogram, merge_into, round_response_time

LAG_KEY = "stairload_start_lag_ms"  # in a pooled request's context: its journey's lateness
_REPORT_KEY = "stairload_arrivals"


@dataclass
class SecondCounts:
    """One second of an open run (all processes once merged)."""

    started: int = 0
    dropped: int = 0
    corrected_requests: int = 0
    corrected_total_ms: float = 0.0
    corrected_histogram: dict[int, int] = field(default_factory=dict)

    def merge(self, other: SecondCounts) -> None:
        """Add another process's counts of the same second."""
        self.started += other.started
        self.dropped += other.dropped
        self.corrected_requests += other.corrected_requests
        self.corrected_total_ms += other.corrected_total_ms
        merge_into(self.corrected_histogram, other.corrected_histogram)

    @property
    def corrected_mean_ms(self) -> float | None:
        """Mean user-seen time of the second's requests (None without requests)."""
        if not self.corrected_requests:
            return None
        return self.corrected_total_ms / self.corrected_requests


class ArrivalCounts:
    """One per Locust process of an open run; see the module docstring."""

    def __init__(self, environment: Any) -> None:
        self.environment = environment
        self.seconds: dict[int, SecondCounts] = {}
        runner = environment.runner
        events = environment.events
        if not isinstance(runner, MasterRunner):
            events.request.add_listener(self._on_request)
        if isinstance(runner, WorkerRunner):
            events.report_to_master.add_listener(self._on_report_to_master)
        if isinstance(runner, MasterRunner):
            events.worker_report.add_listener(self._on_worker_report)

    def _second(self, second: int) -> SecondCounts:
        counts = self.seconds.get(second)
        if counts is None:
            counts = self.seconds[second] = SecondCounts()
        return counts

    def count_start(self, second: int) -> None:
        """A journey started on a free user in ``second``."""
        self._second(max(0, second)).started += 1

    def count_drop(self, second: int) -> None:
        """A journey due in ``second`` found no free user."""
        self._second(max(0, second)).dropped += 1

    def _on_request(
        self,
        response_time: float,
        context: dict[str, Any] | None = None,
        exception: Any = None,
        start_time: float | None = None,
        **_: Any,
    ) -> None:
        lag = (context or {}).get(LAG_KEY)
        t0 = runtime(self.environment).t0
        if lag is None or t0 is None:
            return
        if exception is not None and is_generator_fault(exception):
            return
        finished = (start_time + response_time / 1000) if start_time else time.time()
        counts = self._second(max(0, math.floor(finished - t0)))
        corrected = response_time + lag
        counts.corrected_requests += 1
        counts.corrected_total_ms += corrected
        key = round_response_time(corrected)
        counts.corrected_histogram[key] = counts.corrected_histogram.get(key, 0) + 1

    def pop(self, second: int) -> SecondCounts:
        """The merged counts of ``second`` (zero when nothing happened), forgotten here."""
        return self.seconds.pop(second, None) or SecondCounts()

    def decorate(self, second: int, rows: list[IntervalRow]) -> list[IntervalRow]:
        """``rows`` of ``second`` with its counts on the ``Total`` row (the writer's hook)."""
        counts = self.pop(second)
        return [
            replace(
                row,
                started=counts.started,
                dropped=counts.dropped,
                corrected_mean_ms=_ms(counts.corrected_mean_ms),
                corrected_histogram=format_histogram(counts.corrected_histogram) or None,
            )
            if row.is_total
            else row
            for row in rows
        ]

    def _on_report_to_master(self, client_id: str, data: dict[str, Any]) -> None:
        wire = [
            [second, c.started, c.dropped, c.corrected_requests, c.corrected_total_ms,
             [[key, count] for key, count in c.corrected_histogram.items()]]
            for second, c in self.seconds.items()
        ]  # fmt: skip
        self.seconds = {}
        data[_REPORT_KEY] = wire

    def _on_worker_report(self, client_id: str, data: dict[str, Any]) -> None:
        for second, started, dropped, requests, total_ms, histogram in data.get(_REPORT_KEY, ()):
            self._second(int(second)).merge(
                SecondCounts(
                    int(started),
                    int(dropped),
                    int(requests),
                    float(total_ms),
                    {int(key): int(count) for key, count in histogram},
                )
            )


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
