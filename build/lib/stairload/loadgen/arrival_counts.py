"""An open run's per-second counts in Locust: fed from its events, merged on the master.

Every process that runs journeys counts, per second since the run started, the journeys
its pool started (by the second they did start), the ones it dropped (by the second
they were due) and, for each request of a pooled journey, its user-seen time (SPEC
section 8), into an ``ArrivalBook``. Workers ship their book with every stats report (the
same message as the interval recorder's, so a second the recorder writes is complete
here too); the master merges, and the interval writer pops each second (``decorate``).
"""

from __future__ import annotations

import math
import time
from typing import Any

from locust.runners import MasterRunner, WorkerRunner

from stairload.core.faults import is_generator_fault
from stairload.loadgen.arrival_book import ArrivalBook
from stairload.loadgen.runtime import runtime

LAG_KEY = "stairload_start_lag_ms"  # in a pooled request's context: its journey's lateness
_REPORT_KEY = "stairload_arrivals"


class ArrivalCounts(ArrivalBook):
    """One per Locust process of an open run; see the module docstring."""

    def __init__(self, environment: Any) -> None:
        super().__init__()
        self.environment = environment
        runner = environment.runner
        events = environment.events
        if not isinstance(runner, MasterRunner):
            events.request.add_listener(self._on_request)
        if isinstance(runner, WorkerRunner):
            events.report_to_master.add_listener(self._on_report_to_master)
        if isinstance(runner, MasterRunner):
            events.worker_report.add_listener(self._on_worker_report)

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
        self.count_request(math.floor(finished - t0), response_time, lag)

    def _on_report_to_master(self, client_id: str, data: dict[str, Any]) -> None:
        data[_REPORT_KEY] = self.take_wire()

    def _on_worker_report(self, client_id: str, data: dict[str, Any]) -> None:
        self.merge_wire(data.get(_REPORT_KEY, ()))
