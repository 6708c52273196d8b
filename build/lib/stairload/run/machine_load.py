"""How busy the whole machine was during the run, besides what the run itself did.

On a machine shared with other work, the target's response times include waiting for a
core, though neither the target nor the load generator was saturated. The orchestrator
samples the machine once a second (all cores' busy share and the 1-minute load
average) and ``run.json``'s ``machine`` keeps the summary; the report turns an
oversubscribed machine into a caveat.
"""

from __future__ import annotations

import os
import threading

import psutil


class MachineLoad:
    """Samples psutil.cpu_percent() and the load average every second in a thread."""

    def __init__(self) -> None:
        self.cpu_percent: list[float] = []
        self.load_average: list[float] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="machine-load", daemon=True)

    def start(self) -> MachineLoad:
        """Start sampling (the first CPU figure covers the first second)."""
        psutil.cpu_percent()
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop sampling."""
        self._stopping.set()
        self._thread.join(timeout=5.0)

    def _loop(self) -> None:
        while not self._stopping.wait(1.0):
            self.cpu_percent.append(psutil.cpu_percent())
            self.load_average.append(os.getloadavg()[0])

    def summary(self) -> dict[str, float | int]:
        """Mean busy share of all cores (%), the highest 1-minute load average, samples."""
        if not self.cpu_percent:
            return {}
        return {
            "cpu_busy_percent_mean": round(sum(self.cpu_percent) / len(self.cpu_percent), 1),
            "load_average_max": round(max(self.load_average), 2),
            "samples": len(self.cpu_percent),
        }
