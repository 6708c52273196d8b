"""The embedded target's CPU, sampled each second from its ``/metrics`` on the master.

Only for the embedded target (the run started it, on this machine): its ``cpu_seconds``
over wall time gives the percent of one core it used in each second, which goes into the
``target_cpu_percent`` column of ``intervals.csv`` and feeds the alarm metric of that name.
"""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

import gevent

from locustfiles.runtime import runtime

_TIMEOUT_SECONDS = 0.8


class TargetCpu:
    """Per-second CPU percent of the target; empty when it cannot be read."""

    def __init__(self, environment: Any, host: str) -> None:
        self.environment = environment
        self.url = f"{host.rstrip('/')}/metrics"
        self.by_second: dict[int, float] = {}
        self._greenlet: gevent.Greenlet | None = None
        runtime(environment).on_start.append(self._on_start)

    def _on_start(self, _t0: float) -> None:
        self._greenlet = gevent.spawn(self._loop)

    def _read(self) -> float | None:
        try:
            with urllib.request.urlopen(self.url, timeout=_TIMEOUT_SECONDS) as response:
                return float(json.loads(response.read())["cpu_seconds"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _loop(self) -> None:
        state = runtime(self.environment)
        previous: tuple[float, float] | None = None
        second = 0
        while True:
            gevent.sleep(max(0.0, state.t0 + second + 1 - time.time()))
            cpu, wall = self._read(), time.monotonic()
            if cpu is not None and previous is not None and wall > previous[1]:
                percent = 100 * (cpu - previous[0]) / (wall - previous[1])
                self.by_second[second] = round(max(0.0, percent), 1)
            previous = (cpu, wall) if cpu is not None else None
            second += 1

    def stop(self) -> None:
        """Stop sampling."""
        if self._greenlet is not None:
            self._greenlet.kill(block=False)
