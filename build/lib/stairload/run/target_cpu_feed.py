"""The embedded target's CPU, measured from outside it, fed to the Locust master by a file.

The orchestrator (not the target, and not a Locust process that may be saturated) samples
the target's process tree once a second with ``stairload.targetcpu.ProcessTreeCpu`` and appends
``unix_second,cpu_percent`` lines to ``target_cpu.csv`` in the run directory. A second
may be written again when a later sample revises it; the last line for a second wins.
The master reads the file (``stairload.loadgen.target_cpu``) for ``intervals.csv`` and the
``target_cpu_percent`` alarm metric. No HTTP round trip: an overloaded target that answers
nothing in time still has its CPU measured.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from stairload.rundir.atomic import RunDirFault, Stream
from stairload.targetcpu import ProcessTreeCpu

HEADER = "unix_second,cpu_percent\n"
_WRITE_EVERY_SECONDS = 0.25


class TargetCpuFeed:
    """Samples process ``pid``'s tree and appends each second's CPU to ``path``."""

    def __init__(self, pid: int, path: Path) -> None:
        self.path = path
        self._cpu = ProcessTreeCpu(pid)
        self._written: dict[int, float] = {}
        self._stream: Stream | None = None
        self.fault: RunDirFault | None = None  # the file could not be written: no more lines
        self.on_fault: Callable[[RunDirFault], None] = lambda _fault: None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="target-cpu-feed", daemon=True)

    def start(self) -> TargetCpuFeed:
        """Write the header, start sampling and writing; ``RunDirFault`` when it cannot."""
        self._stream = Stream(self.path)
        self._stream.write(HEADER)
        self._cpu.start()
        self._thread.start()
        return self

    def stop(self) -> dict[int, float]:
        """Stop sampling, write what is left; return every second's value."""
        self._cpu.stop()
        self._stopping.set()
        self._thread.join(timeout=5.0)
        self._write()
        if self._stream is not None:
            self._stream.close()
        return dict(self._written)

    def _loop(self) -> None:
        while not self._stopping.wait(_WRITE_EVERY_SECONDS) and self.fault is None:
            self._write()

    def _write(self) -> None:
        fresh = {s: v for s, v in self._cpu.by_second().items() if self._written.get(s) != v}
        if not fresh or self._stream is None or self.fault is not None:
            return
        try:
            self._stream.write("".join(f"{s},{v}\n" for s, v in sorted(fresh.items())))
        except RunDirFault as fault:
            self.fault = fault
            self.on_fault(fault)
            return
        self._written.update(fresh)
