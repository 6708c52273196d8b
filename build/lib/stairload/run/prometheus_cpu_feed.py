"""The target's CPU from Prometheus, fed to the run like ``target_cpu_feed`` does for a pid.

Every few seconds ``stairload.targetcpu.PrometheusCpu`` asks ``query_range`` for the last minute and
appends the seconds that are new or changed to ``target_cpu.csv`` (``unix_second,
cpu_percent``; the last line for a second wins), so the master puts them into
``intervals.csv`` and the ``target_cpu_percent`` alarm as they arrive. Prometheus lags its
scrape interval, so on ``stop()`` one last query covers the whole run: the report reads
the file itself and so sees every second Prometheus had.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from stairload.run.target_cpu_feed import HEADER
from stairload.rundir.atomic import RunDirFault, Stream
from stairload.targetcpu import PrometheusCpu, TargetCpuError

_POLL_SECONDS = 5.0
_LOOKBACK_SECONDS = 60.0


class PrometheusCpuFeed:
    """Polls Prometheus during the run and once more at its end; writes ``path``."""

    def __init__(self, source: PrometheusCpu, path: Path) -> None:
        self.source = source
        self.path = path
        self._written: dict[int, float] = {}
        self._started = time.time()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="prometheus-cpu", daemon=True)
        self._warned = False
        self._stream: Stream | None = None
        self.fault: RunDirFault | None = None  # the file could not be written: no more lines
        self.on_fault: Callable[[RunDirFault], None] = lambda _fault: None

    def start(self) -> PrometheusCpuFeed:
        """Check the query answers once (an error here stops the run), then poll."""
        self._started = time.time()
        self._stream = Stream(self.path)
        self._stream.write(HEADER)
        self._write(self.source.by_second(self._started - _LOOKBACK_SECONDS, self._started))
        self._thread.start()
        return self

    def stop(self) -> dict[int, float]:
        """Stop polling, fetch the whole run once more; return every second written."""
        self._stopping.set()
        self._thread.join(timeout=15.0)
        self._poll(self._started)
        if self._stream is not None:
            self._stream.close()
        return dict(self._written)

    def _loop(self) -> None:
        while not self._stopping.wait(_POLL_SECONDS) and self.fault is None:
            self._poll(time.time() - _LOOKBACK_SECONDS)

    def _poll(self, since: float) -> None:
        try:
            self._write(self.source.by_second(since, time.time()))
        except TargetCpuError as error:
            if not self._warned:  # one line, not one per poll
                print(f"warning: target CPU from Prometheus: {error}", file=sys.stderr)
                self._warned = True

    def _write(self, samples: dict[int, float]) -> None:
        fresh = {s: round(v, 2) for s, v in samples.items() if self._written.get(s) != round(v, 2)}
        if not fresh or self._stream is None or self.fault is not None:
            return
        try:
            self._stream.write("".join(f"{s},{v}\n" for s, v in sorted(fresh.items())))
        except RunDirFault as fault:
            self.fault = fault
            self.on_fault(fault)
            return
        self._written.update(fresh)
