"""The open workload in Locust: one scheduler per process hands journeys to a capped pool.

Locust runs one ``ArrivalDriver`` user per load-generator process (the shape asks for as
many users as there are processes, and Locust spreads them one per worker). Its only
task is the scheduler: for each arrival of this process's share of the schedule
(``capacity.arrival_stairs.process_arrivals``), at its intended moment, it takes an idle
virtual user of the pool, or makes one while the pool is under its ceiling, and hands
it one pass of the journey; when every user is busy and the pool is full, the arrival is
dropped and counted. Pooled users never loop on their own (k6's ramping-arrival-rate
with ``maxVUs``).

Each pooled request carries in its context how late its journey started against the
schedule (``arrival_counts.LAG_KEY``), from which the user-seen time is counted.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any, ClassVar

import gevent
from gevent.pool import Group
from locust import User, task
from locust.exception import StopUser

from capacity.arrival_stairs import ArrivalStairs, process_arrivals, process_ceiling
from stairload.journeys.locust_user import JourneyUser
from stairload.loadgen.arrival_counts import LAG_KEY, ArrivalCounts
from stairload.loadgen.runtime import run_context, runtime

_log = logging.getLogger("stairload")


class JourneyPool:
    """Virtual users of one process, each walking one journey at a time when told to."""

    def __init__(self, environment: Any, user_class: type[JourneyUser], ceiling: int) -> None:
        self.environment = environment
        self.ceiling = ceiling
        self.idle: list[JourneyUser] = []
        self.size = 0
        self.busy = 0
        self.group = Group()
        self._user_class = type(
            user_class.__name__,
            (user_class,),
            {"host": environment.host, "start_lag_ms": 0.0, "context": _pooled_context},
        )

    def start(self, lag_ms: float) -> bool:
        """Start one journey on a free user; False when none is free and the pool is full."""
        if self.idle:
            user = self.idle.pop()
        elif self.size < self.ceiling:
            user = self._user_class(self.environment)
            self.size += 1
            try:
                user.on_start()
            except StopUser:  # its data row could not be had (recorded as a fault)
                return False
        else:
            return False
        user.start_lag_ms = lag_ms  # type: ignore[attr-defined]
        self.busy += 1
        self.group.spawn(self._walk, user)
        return True

    def _walk(self, user: JourneyUser) -> None:
        try:
            user.journey_runner.run()
        except Exception:  # a bug in a journey must not stop the schedule
            _log.exception("a pooled journey raised")
        finally:
            self.busy -= 1
            self.idle.append(user)


def _pooled_context(user: Any) -> dict[str, Any]:
    return {LAG_KEY: user.start_lag_ms}


class ArrivalDriver(User):
    """Runs this process's share of the arrival schedule (see the module docstring)."""

    abstract = True
    journey_class: ClassVar[type[JourneyUser]]
    process: ClassVar[Any] = staticmethod(lambda: (0, 1))

    @task
    def drive(self) -> None:
        """Start every journey of this process's schedule at its moment, then idle."""
        environment = self.environment
        state = runtime(environment)
        while state.t0 is None:
            gevent.sleep(0.05)
        arrivals = run_context(environment).arrivals
        assert arrivals is not None, "an ArrivalDriver runs only in an arrivals run"
        index, count = type(self).process()
        pool = JourneyPool(
            environment, self.journey_class, process_ceiling(arrivals.max_users, index, count)
        )
        state.extras["pool"] = pool
        recorder = state.extras.get("recorder")
        if recorder is not None:  # the users column: journeys in flight on this process
            recorder.users_now = lambda: pool.busy
        try:
            _schedule(pool, arrivals, index, count, state.t0, state.extras["arrival_counts"])
            pool.group.join()
            while True:  # the shape stops this user when the stair is over
                gevent.sleep(3600)
        finally:
            pool.group.kill(block=False)


def _schedule(
    pool: JourneyPool,
    arrivals: ArrivalStairs,
    index: int,
    count: int,
    t0: float,
    counts: ArrivalCounts,
) -> None:
    for intended in process_arrivals(arrivals, index, count):
        due = t0 + intended
        wait = due - time.time()
        if wait > 0:
            gevent.sleep(wait)
        now = time.time()
        if pool.start(lag_ms=max(0.0, now - due) * 1000):
            counts.count_start(math.floor(now - t0))
        else:
            counts.count_drop(math.floor(intended))


def arrival_driver_class(journey_class: type[JourneyUser], process: Any) -> type[ArrivalDriver]:
    """The driver of an arrivals run, pooling users of ``journey_class``."""
    return type(
        "ArrivalDriver",
        (ArrivalDriver,),
        {
            "abstract": False,
            "journey_class": journey_class,
            "process": staticmethod(process),
            "__module__": __name__,
        },
    )
