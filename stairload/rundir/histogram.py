"""Exact per-second response-time statistics, mergeable across worker processes.

Each process files every completed request under the whole second (since the run's
start) it completed in, as a histogram of Locust-rounded response times. Histograms
add up, so the master merges workers' seconds exactly and every row of
``intervals.csv`` describes only the responses of its own second.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from stairload.rundir.intervals import TOTAL_NAME, IntervalRow


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
    histogram: list[list[int]]  # [[rounded_ms, count], ...]
    faults: int = 0  # requests the generator could not send (not in ``requests``)


def round_response_time(response_time_ms: float) -> int:
    """Locust's bucket of a response time: whole ms below 100, then tens, hundreds, thousands.

    tests/locustfiles/test_locust_contract.py checks this against Locust's own.
    """
    for below, digits in ((100, 0), (1_000, -1), (10_000, -2)):
        if response_time_ms < below:
            return int(round(response_time_ms, digits))
    return int(round(response_time_ms, -3))


def percentile(histogram: dict[int, int], count: int, fraction: float) -> int:
    """The nearest-rank percentile: the smallest value with at least ``fraction`` of counts.

    The one definition of a percentile in this project: a second's row in intervals.csv,
    an alarm period's datapoint and a report step all apply it to their merged histogram.
    """
    rank = max(1, math.ceil(fraction * count))
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return max(histogram)


def merge_into(target: dict[int, int], histogram: dict[int, int]) -> None:
    """Add ``histogram``'s counts to ``target`` (histograms of any windows add up)."""
    for key, count in histogram.items():
        target[key] = target.get(key, 0) + count


def format_histogram(histogram: dict[int, int]) -> str:
    """A histogram as intervals.csv holds it: ``"5:120 6:80 120:3"`` (rounded ms:count)."""
    return " ".join(f"{key}:{histogram[key]}" for key in sorted(histogram))


def parse_histogram(text: str) -> dict[int, int]:
    """The inverse of ``format_histogram``; ValueError naming the first pair that is not one."""
    histogram: dict[int, int] = {}
    for pair in text.split():
        value, sep, count = pair.partition(":")
        try:
            if not sep:
                raise ValueError(pair)
            histogram[int(value)] = histogram.get(int(value), 0) + int(count)
        except ValueError:
            raise ValueError(f"not 'ms:count' pairs (got {pair!r})") from None
    return histogram


@dataclass
class Bucket:
    """The requests of one name that completed in one second."""

    requests: int = 0
    failures: int = 0
    total_ms: float = 0.0
    min_ms: float = math.inf
    max_ms: float = 0.0
    histogram: dict[int, int] = field(default_factory=dict)
    faults: int = 0  # requests not sent (``stairload.core.faults``): no time, not a request

    def add(self, response_time_ms: float, failed: bool) -> None:
        """Count one request."""
        self.requests += 1
        self.failures += failed
        self.total_ms += response_time_ms
        self.min_ms = min(self.min_ms, response_time_ms)
        self.max_ms = max(self.max_ms, response_time_ms)
        key = round_response_time(response_time_ms)
        self.histogram[key] = self.histogram.get(key, 0) + 1

    def merge(self, other: Bucket) -> None:
        """Add another bucket of the same second and name."""
        self.requests += other.requests
        self.failures += other.failures
        self.total_ms += other.total_ms
        self.min_ms = min(self.min_ms, other.min_ms)
        self.max_ms = max(self.max_ms, other.max_ms)
        self.faults += other.faults
        for key, count in other.histogram.items():
            self.histogram[key] = self.histogram.get(key, 0) + count


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
                [[k, v] for k, v in b.histogram.items()],
                b.faults,
            )
            for (second, method, name), b in self.buckets.items()
        ]
        users = [[second, count] for second, count in self.users.items()]
        self.buckets, self.users = {}, {}
        return wire, users

    def merge_wire(self, wire: Iterable[Sequence[Any]], users: Iterable[list[int]]) -> None:
        """Add a worker's buckets (``WireBucket`` fields, as lists) and user counts."""
        for second, method, name, requests, failures, total, low, high, pairs, faults in map(
            WireBucket._make, wire
        ):
            incoming = Bucket(
                requests, failures, total, low, high, {int(k): int(v) for k, v in pairs}, faults
            )
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
    rows = []
    for (method, name), bucket in sorted(named.items(), key=lambda item: (item[0][1], item[0][0])):
        total.merge(bucket)
        rows.append(_row(time_s, timestamp, method, name, bucket, users, target_users))
    rows.append(
        _row(
            time_s,
            timestamp,
            "",
            TOTAL_NAME,
            total,
            users,
            target_users,
            target_cpu_percent,
            format_histogram(total.histogram),
        )
    )
    return rows


def _row(
    time_s: int,
    timestamp: float,
    method: str,
    name: str,
    bucket: Bucket,
    users: int | None,
    target_users: int | None,
    target_cpu_percent: float | None = None,
    histogram: str | None = None,
) -> IntervalRow:
    times: dict[str, float] = {}
    if bucket.requests:
        times = {
            "mean_ms": round(bucket.total_ms / bucket.requests, 3),
            "min_ms": round(bucket.min_ms, 3),
            "p50_ms": percentile(bucket.histogram, bucket.requests, 0.50),
            "p95_ms": percentile(bucket.histogram, bucket.requests, 0.95),
            "p99_ms": percentile(bucket.histogram, bucket.requests, 0.99),
            "max_ms": round(bucket.max_ms, 3),
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
