"""The per-second book of an open run: journeys started and dropped, and user-seen times.

Pure bookkeeping (no Locust): ``stairload.loadgen.arrival_counts`` feeds it from Locust's
events and ships it between processes. A request's user-seen time is its response time
plus how late its journey started against the schedule (coordinated omission corrected),
kept in microseconds in the same HDR histograms as the service times
(``stairload.rundir.latency``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from stairload.rundir import IntervalRow
from stairload.rundir.latency import LatencyHistogram


@dataclass
class SecondCounts:
    """One second of an open run (all processes once merged)."""

    started: int = 0
    dropped: int = 0
    corrected_requests: int = 0
    corrected_total_ms: float = 0.0
    corrected_histogram: LatencyHistogram = field(default_factory=LatencyHistogram)

    def merge(self, other: SecondCounts) -> None:
        """Add another process's counts of the same second."""
        self.started += other.started
        self.dropped += other.dropped
        self.corrected_requests += other.corrected_requests
        self.corrected_total_ms += other.corrected_total_ms
        self.corrected_histogram.add(other.corrected_histogram)

    @property
    def corrected_mean_ms(self) -> float | None:
        """Mean user-seen time of the second's requests (None without requests)."""
        if not self.corrected_requests:
            return None
        return self.corrected_total_ms / self.corrected_requests


class ArrivalBook:
    """Counts per second since the run started; ``pop`` hands a second over once."""

    def __init__(self) -> None:
        self.seconds: dict[int, SecondCounts] = {}

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

    def count_request(self, second: int, response_time_ms: float, lag_ms: float) -> None:
        """A pooled request completed in ``second``: its user-seen time."""
        counts = self._second(max(0, second))
        corrected = response_time_ms + lag_ms
        counts.corrected_requests += 1
        counts.corrected_total_ms += corrected
        counts.corrected_histogram.record_us(int(corrected * 1000 + 0.5))

    def pop(self, second: int) -> SecondCounts:
        """The merged counts of ``second`` (zero when nothing happened), forgotten here.

        Counts of earlier seconds still held (they came after their second was written:
        a drop counted at its due second by a lagging generator, a worker's late report)
        are added to this one, so the file's totals stay exact.
        """
        counts = self.seconds.pop(second, None) or SecondCounts()
        for late in [earlier for earlier in self.seconds if earlier < second]:
            counts.merge(self.seconds.pop(late))
        return counts

    def decorate(self, second: int, rows: list[IntervalRow]) -> list[IntervalRow]:
        """``rows`` of ``second`` with its counts on the ``Total`` row (the writer's hook)."""
        counts = self.pop(second)
        mean = counts.corrected_mean_ms
        return [
            replace(
                row,
                started=counts.started,
                dropped=counts.dropped,
                corrected_mean_ms=None if mean is None else round(mean, 3),
                corrected_histogram=counts.corrected_histogram.encode()
                if counts.corrected_histogram.count
                else None,
            )
            if row.is_total
            else row
            for row in rows
        ]

    def take_wire(self) -> list[list[Any]]:
        """Everything counted so far, as a worker ships it (and forgets it)."""
        wire = [
            [second, c.started, c.dropped, c.corrected_requests, c.corrected_total_ms,
             c.corrected_histogram.to_wire()]
            for second, c in self.seconds.items()
        ]  # fmt: skip
        self.seconds = {}
        return wire

    def merge_wire(self, wire: list[list[Any]]) -> None:
        """Add a worker's ``take_wire`` (the master)."""
        for second, started, dropped, requests, total_ms, histogram in wire:
            self._second(int(second)).merge(
                SecondCounts(
                    int(started),
                    int(dropped),
                    int(requests),
                    float(total_ms),
                    LatencyHistogram.from_wire(histogram),
                )
            )
