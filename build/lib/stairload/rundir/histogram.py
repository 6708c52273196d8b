"""Exact per-second response-time statistics, mergeable across worker processes.

Each process files every completed request under the whole second (since the run's
start) it completed in. On the request path a bucket only counts and appends the time in
whole microseconds to a list; the list goes into a ``LatencyHistogram``
(``stairload.rundir.latency``) off that path: when a worker ships its report (as
``to_wire`` counts) or when the master writes the second. Histograms add up, so the
master merges workers' seconds exactly and every row of ``intervals.csv`` describes only
the responses of its own second. Count, sum, min and max stay exact from the raw times.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from stairload.rundir.intervals import TOTAL_NAME, IntervalRow
from stairload.rundir.latency import REPORTED_PERCENTILES, LatencyHistogram


class WireBucket(NamedTuple):
    """One bucket as a worker ships it to the master (msgpack turns it into a list)."""

    second: int
    method: str
    name: str
    requests: int
    failures: int
    total_ms: float
    min_ms: float
    max_ms: float
    histogram: list[int]  # the bucket's LatencyHistogram, ``to_wire``: [index, count, ...]
    faults: int = 0  # requests the generator could not send (not in ``requests``)


@dataclass
class Bucket:
    """The requests of one name that completed in one second."""

    requests: int = 0
    failures: int = 0
    total_ms: float = 0.0
    min_ms: float = math.inf
    max_ms: float = 0.0
    faults: int = 0  # requests not sent (``stairload.core.faults``): no time, not a request
    times_us: list[int] = field(default_factory=list)  # not in a histogram yet
    recorded: LatencyHistogram | None = None  # the times already in one (a worker's)

    def add(self, response_time_ms: float, failed: bool) -> None:
        """Count one request: O(1), no histogram work (see the module docstring)."""
        self.requests += 1
        self.failures += failed
        self.total_ms += response_time_ms
        if response_time_ms < self.min_ms:
            self.min_ms = response_time_ms
        if response_time_ms > self.max_ms:
            self.max_ms = response_time_ms
        self.times_us.append(int(response_time_ms * 1000 + 0.5))

    def merge(self, other: Bucket) -> None:
        """Add another bucket of the same second and name."""
        self.merge_counts(other)
        self.times_us.extend(other.times_us)
        if other.recorded is not None:
            if self.recorded is None:
                self.recorded = LatencyHistogram()
            self.recorded.add(other.recorded)

    def merge_counts(self, other: Bucket) -> None:
        """Add another bucket's counts, sum, min and max, not its times."""
        self.requests += other.requests
        self.failures += other.failures
        self.total_ms += other.total_ms
        self.min_ms = min(self.min_ms, other.min_ms)
        self.max_ms = max(self.max_ms, other.max_ms)
        self.faults += other.faults

    def latency(self) -> LatencyHistogram:
        """Every response time of the bucket, in one histogram."""
        histogram = LatencyHistogram()
        if self.recorded is not None:
            histogram.add(self.recorded)
        histogram.record_all_us(self.times_us)
        return histogram


Key = tuple[int, str, str]  # (second, method, name)


class IntervalBook:
    """Buckets by (second, method, name), plus the users each process ran in each second."""

    def __init__(self) -> None:
        self.buckets: dict[Key, Bucket] = {}
        self.users: dict[int, int] = {}

    def add(
        self, second: int, method: str, name: str, response_time_ms: float, failed: bool
    ) -> None:
        """File one completed request."""
        key = (second, method, name)
        bucket = self.buckets.get(key)
        if bucket is None:
            bucket = self.buckets[key] = Bucket()
        bucket.add(response_time_ms, failed)

    def add_fault(self, second: int, method: str, name: str) -> None:
        """File one request the generator could not send (not a request to the target)."""
        key = (second, method, name)
        bucket = self.buckets.get(key)
        if bucket is None:
            bucket = self.buckets[key] = Bucket()
        bucket.faults += 1

    def take_wire(self) -> tuple[list[WireBucket], list[list[int]]]:
        """Everything filed so far, as plain lists for the master; the book is emptied."""
        wire = [
            WireBucket(
                second,
                method,
                name,
                b.requests,
                b.failures,
                b.total_ms,
                b.min_ms,
                b.max_ms,
                b.latency().to_wire(),
                b.faults,
            )
            for (second, method, name), b in self.buckets.items()
        ]
        users = [[second, count] for second, count in self.users.items()]
        self.buckets, self.users = {}, {}
        return wire, users

    def merge_wire(self, wire: Iterable[Sequence[Any]], users: Iterable[list[int]]) -> None:
        """Add a worker's buckets (``WireBucket`` fields, as lists) and user counts."""
        for second, method, name, requests, failures, total, low, high, flat, faults in map(
            WireBucket._make, wire
        ):
            recorded = LatencyHistogram.from_wire(flat)
            incoming = Bucket(requests, failures, total, low, high, faults, recorded=recorded)
            key = (int(second), method, name)
            if key in self.buckets:
                self.buckets[key].merge(incoming)
            else:
                self.buckets[key] = incoming
        for second, count in users:
            self.users[int(second)] = self.users.get(int(second), 0) + int(count)

    def pop_through(self, last_second: int) -> dict[int, dict[tuple[str, str], Bucket]]:
        """Remove and return the buckets of every second up to ``last_second``, by second."""
        done: dict[int, dict[tuple[str, str], Bucket]] = {}
        for key in [key for key in self.buckets if key[0] <= last_second]:
            second, method, name = key
            done.setdefault(second, {})[(method, name)] = self.buckets.pop(key)
        return done

    def pop_open_seconds(
        self, first_open: int, last_second: int
    ) -> tuple[dict[int, dict[tuple[str, str], Bucket]], int]:
        """The buckets of seconds ``first_open``..``last_second``, and how many arrived late.

        A bucket of a second before ``first_open`` (already written: its requests were
        reported after the second closed, by a lagging process) is never dropped: it is
        merged into ``first_open``, so totals stay exact, and its requests are counted.
        """
        done = self.pop_through(last_second)
        late = 0
        for second in [second for second in done if second < first_open]:
            for key, bucket in done.pop(second).items():
                late += bucket.requests
                target = done.setdefault(first_open, {})
                if key in target:
                    target[key].merge(bucket)
                else:
                    target[key] = bucket
        return done, late

    def pop_users_through(self, last_second: int) -> dict[int, int]:
        """Remove and return the user counts up to ``last_second``."""
        done = {s: c for s, c in self.users.items() if s <= last_second}
        for second in done:
            del self.users[second]
        return done


def second_rows(
    time_s: int,
    timestamp: float,
    named: dict[tuple[str, str], Bucket],
    users: int | None,
    target_users: int | None,
    target_cpu_percent: float | None = None,
) -> list[IntervalRow]:
    """The rows of one second: one per (method, name), sorted, then ``Total``.

    Only the ``Total`` row carries the target's CPU (None when unknown).
    """
    total = Bucket()
    total_latency = LatencyHistogram()
    rows = []
    for (method, name), bucket in sorted(named.items(), key=lambda item: (item[0][1], item[0][0])):
        latency = bucket.latency()
        total_latency.add(latency)
        total.merge_counts(bucket)
        rows.append(_row(time_s, timestamp, method, name, bucket, latency, users, target_users))
    rows.append(
        _row(
            time_s,
            timestamp,
            "",
            TOTAL_NAME,
            total,
            total_latency,
            users,
            target_users,
            target_cpu_percent,
            total_latency.encode() if total.requests else None,
        )
    )
    return rows


def _row(
    time_s: int,
    timestamp: float,
    method: str,
    name: str,
    bucket: Bucket,
    latency: LatencyHistogram,
    users: int | None,
    target_users: int | None,
    target_cpu_percent: float | None = None,
    histogram: str | None = None,
) -> IntervalRow:
    times: dict[str, float | None] = {}
    if bucket.requests:
        p50, p95, p99, p99_9 = latency.values_at_ms(REPORTED_PERCENTILES)
        times = {
            "mean_ms": round(bucket.total_ms / bucket.requests, 3),
            "min_ms": round(bucket.min_ms, 3),
            "p50_ms": p50,
            "p95_ms": p95,
            "p99_ms": p99,
            "max_ms": round(bucket.max_ms, 3),
            "p99_9_ms": p99_9,
        }
    return IntervalRow(
        time_s=time_s,
        timestamp=round(timestamp, 3),
        method=method,
        name=name,
        users=users,
        target_users=target_users,
        requests=bucket.requests,
        failures=bucket.failures,
        target_cpu_percent=target_cpu_percent,
        histogram=histogram,
        faults=bucket.faults,
        **times,
    )
