"""Replaying a scenario's real journeys with N threads until exactly N requests were sent.

Each thread owns one keep-alive ``stairload.journeys.BlockingClient`` and walks the scenario's
journey through ``stairload.journeys.runner.JourneyRunner`` (the step runner Locust uses), as
virtual users 1..U in turn (``{vu}``; a ``seeded_users`` variable is set to U), each with
its row of the scenario's data file as the run hands them out (user ``vu`` gets row
``vu - 1``, modulo the rows, for ``sequential`` and ``unique``; a random row for
``random``). A
shared budget hands out one ticket per request, so the replay stops at exactly
``requests`` (a journey cut short by the budget is simply not finished). Latencies are
kept in completion order for the first/last batch comparison. The replay stops early
once the failures alone guarantee the error limit is passed.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from stairload.journeys.blocking import BlockingClient
from stairload.journeys.data import row_at
from stairload.journeys.journey import DataFile, Journey
from stairload.journeys.runner import JourneyRunner, Judge


@dataclass(frozen=True)
class ReplayResult:
    """What a replay did: counts, time, and every latency in completion order."""

    requests: int
    failures: int
    journeys: int
    elapsed_seconds: float
    latencies_ms: tuple[float, ...]
    first_failure: str | None
    stopped_early: bool

    @property
    def error_rate(self) -> float:
        """Failed requests / requests (0 when nothing was sent)."""
        return self.failures / self.requests if self.requests else 0.0

    def batch_means(self, fraction: float = 0.1) -> tuple[float, float]:
        """Mean latency (ms) of the first and of the last ``fraction`` of the requests."""
        size = max(1, int(len(self.latencies_ms) * fraction))
        first, last = self.latencies_ms[:size], self.latencies_ms[-size:]
        if not first:
            return 0.0, 0.0
        return sum(first) / len(first), sum(last) / len(last)


class _BudgetSpent(Exception):
    """No request ticket left: the journey stops here."""


class _Ledger:
    """Shared between threads: tickets, latencies, failures, the next user."""

    def __init__(self, requests: int, max_failures: int, users: int) -> None:
        self._lock = threading.Lock()
        self._requests = requests
        self._max_failures = max_failures
        self.users = users
        self.issued = 0
        self.latencies_ms: list[float] = []
        self.failures = 0
        self.journeys = 0
        self._started = 0
        self.first_failure: str | None = None
        self.stop = threading.Event()
        self.bug: BaseException | None = None

    def ticket(self) -> bool:
        with self._lock:
            if self.stop.is_set() or self.issued >= self._requests:
                return False
            self.issued += 1
            return True

    def next_user(self) -> int:
        with self._lock:
            self._started += 1
            return (self._started - 1) % self.users + 1

    def journey_done(self) -> None:
        with self._lock:
            self.journeys += 1

    def record(self, method: str, name: str, elapsed_ms: float, reason: str | None) -> None:
        with self._lock:
            self.latencies_ms.append(elapsed_ms)
            if reason is not None:
                self.failures += 1
                self.first_failure = self.first_failure or f"{method} {name}: {reason}"
                if self.failures > self._max_failures:
                    self.stop.set()

    @property
    def done(self) -> int:
        return len(self.latencies_ms)


class _BudgetClient:
    """A journey ``Client`` that asks the ledger for a ticket before each request."""

    def __init__(self, inner: BlockingClient, ledger: _Ledger) -> None:
        self._inner = inner
        self._ledger = ledger

    def send(
        self,
        method: str,
        path: str,
        *,
        name: str,
        headers: dict[str, str],
        body: Any,
        judge: Judge,
    ) -> str | None:
        if not self._ledger.ticket():
            raise _BudgetSpent
        return self._inner.send(method, path, name=name, headers=headers, body=body, judge=judge)

    def record_failure(self, method: str, name: str, reason: str) -> None:
        if not self._ledger.ticket():
            raise _BudgetSpent
        self._inner.record_failure(method, name, reason)


def replay(
    base_url: str,
    journey: Journey,
    *,
    requests: int,
    concurrency: int,
    users: int,
    max_failures: int,
    timeout_seconds: float = 10.0,
    on_tick: Callable[[int], None] | None = None,
    tick_seconds: float = 0.1,
    seed: int = 0,
) -> ReplayResult:
    """Send exactly ``requests`` journey requests (fewer if stopped early) and measure them."""
    ledger = _Ledger(requests, max_failures, users)
    threads = [
        threading.Thread(
            target=_worker,
            args=(base_url, journey, ledger, timeout_seconds, seed + index),
            name=f"warmup-{index}",
            daemon=True,
        )
        for index in range(concurrency)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(tick_seconds)
                if on_tick is not None:
                    on_tick(ledger.done)
    finally:
        ledger.stop.set()
    elapsed = time.perf_counter() - started
    if ledger.bug is not None:
        raise ledger.bug
    return ReplayResult(
        requests=ledger.done,
        failures=ledger.failures,
        journeys=ledger.journeys,
        elapsed_seconds=elapsed,
        latencies_ms=tuple(ledger.latencies_ms),
        first_failure=ledger.first_failure,
        stopped_early=ledger.failures > max_failures,
    )


def _worker(
    base_url: str, journey: Journey, ledger: _Ledger, timeout_seconds: float, seed: int
) -> None:
    client = BlockingClient(base_url, timeout_seconds, on_request=ledger.record)
    budget = _BudgetClient(client, ledger)
    rng = random.Random(seed)
    overrides = {"seeded_users": ledger.users}
    try:
        while not ledger.stop.is_set():
            vu = ledger.next_user()
            runner = JourneyRunner(
                journey,
                budget,
                vu=vu,
                row=_row(journey.data, vu, rng),
                rng=rng,
                overrides=overrides,
            )
            try:
                failure = runner.run()
            except _BudgetSpent:
                return
            if failure is None:
                ledger.journey_done()
    except Exception as error:  # a bug: surface it in the main thread
        ledger.bug = error
        ledger.stop.set()
    finally:
        client.close()


def _row(data: DataFile | None, vu: int, rng: random.Random) -> dict[str, str] | None:
    """Virtual user ``vu``'s data row (None without a data file)."""
    if data is None:
        return None
    if data.pick == "random":
        return row_at(data, rng.randrange(data.row_count))
    return row_at(data, (vu - 1) % data.row_count)
