"""The embedded target's CPU per run second, read on the master from ``target_cpu.csv``.

The orchestrator samples the target's process tree from outside and writes one line per
unix second (``stairload.run.target_cpu_feed``). A run second ``n`` covers the wall-clock
interval [t0 + n, t0 + n + 1), which overlaps two unix seconds; its value is their mean
weighted by the overlap (or the one of them already written). It goes into the
``target_cpu_percent`` column of ``intervals.csv`` and feeds the alarm metric of that name.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from stairload.loadgen.runtime import runtime


class TargetCpu:
    """``get(run_second)`` -> percent of one core, from the feed file; None when not there."""

    def __init__(self, environment: Any, path: Path) -> None:
        self.environment = environment
        self.path = path
        self.by_unix_second: dict[int, float] = {}
        self._offset = 0
        self._partial = ""

    def get(self, second: int) -> float | None:
        """The target's CPU in run second ``second``."""
        t0 = runtime(self.environment).t0
        if t0 is None:
            return None
        self._read_new_lines()
        start = t0 + second
        first = math.floor(start)
        share_first = 1.0 - (start - first)
        parts = [
            (weight, self.by_unix_second.get(unix))
            for weight, unix in ((share_first, first), (1.0 - share_first, first + 1))
            if weight > 0
        ]
        known = [(weight, value) for weight, value in parts if value is not None]
        if not known:
            return None
        total = sum(weight for weight, _ in known)
        return round(sum(weight * value for weight, value in known) / total, 1)

    def _read_new_lines(self) -> None:
        try:
            with self.path.open("r", encoding="utf-8") as handle:
                handle.seek(self._offset)
                text = handle.read()
                self._offset = handle.tell()
        except FileNotFoundError:
            return
        lines = (self._partial + text).split("\n")
        self._partial = lines.pop()  # an unfinished last line waits for the next read
        for line in lines:
            unix, _, value = line.partition(",")
            try:
                self.by_unix_second[int(unix)] = float(value)
            except ValueError:
                continue  # the header

    def stop(self) -> None:
        """Nothing runs in this process; kept for the run's uniform shutdown."""
