"""How late the gevent loop of a Locust process wakes a greenlet: the generator's own queueing.

A Locust process is one thread: every user, listener and timer shares one event loop. When
the loop is busy, a request's response waits in it before its time is taken, so the
response times the process reports include its own queueing. A probe greenlet sleeps
``PROBE_SECONDS`` again and again and records how much later than asked it woke; each
second's 99th percentile and mean of that lateness are the process's loop lag for that
second (``LoopLag.take``), sampled with its CPU into ``run.json``'s ``load_generator``: the
p99 shows the loop's stalls (work that blocks it), the mean the delay a typical response
time carries.
"""

from __future__ import annotations

import math
import time

import gevent

PROBE_SECONDS = 0.01


class LoopLag:
    """A probe greenlet and the lateness it saw since the last ``take_p99_ms``."""

    def __init__(self) -> None:
        self._late_ms: list[float] = []
        self._greenlet: gevent.Greenlet | None = None

    def start(self) -> None:
        """Start probing (once)."""
        if self._greenlet is None:
            self._greenlet = gevent.spawn(self._probe)

    def stop(self) -> None:
        """Stop probing."""
        if self._greenlet is not None:
            self._greenlet.kill(block=False)

    def _probe(self) -> None:
        while True:
            asked = time.perf_counter()
            gevent.sleep(PROBE_SECONDS)
            self._late_ms.append(max(0.0, time.perf_counter() - asked - PROBE_SECONDS) * 1000.0)

    def take(self) -> tuple[float, float] | None:
        """(p99, mean) of the lateness in ms since the last call; None when the probe never woke."""
        late, self._late_ms = self._late_ms, []
        worst = p99(late)
        return None if worst is None else (worst, sum(late) / len(late))


def p99(values: list[float]) -> float | None:
    """Nearest-rank 99th percentile of ``values``, None for none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]
