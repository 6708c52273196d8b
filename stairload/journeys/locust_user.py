"""One generic Locust user class per scenario, made at run time from its compiled journey."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar

import gevent
from locust import FastHttpUser, task
from locust.exception import StopUser

from stairload.core.faults import DATA_FAULT_METHOD
from stairload.journeys.data import DataExhausted, RowPicker
from stairload.journeys.journey import Journey
from stairload.journeys.locust_client import LocustClient
from stairload.journeys.runner import JourneyRunner


class JourneyUser(FastHttpUser):
    """Walks its scenario's journey again and again; a failed step restarts it."""

    abstract = True
    journey: ClassVar[Journey]
    think_range: ClassVar[tuple[float, float]] = (0.0, 0.0)
    overrides: ClassVar[Mapping[str, Any]] = {}
    # (index, count) of this load-generator process; asked once, when the first user starts.
    process: ClassVar[Callable[[], tuple[int, int]]] = staticmethod(lambda: (0, 1))
    # set by the first user: the data rows of this process, and its user numbers
    # (load generator k of n numbers its users k+1, k+1+n, k+1+2n, ...)
    rows: ClassVar[RowPicker | None] = None
    numbers: ClassVar[Iterator[int] | None] = None
    connection_timeout = 10.0
    network_timeout = 30.0
    # One generator per process, shared by its users: nothing asks for a user's own
    # sequence, and a Random holds 2.9 KB of state (6 MB at 2,000 users).
    journey_rng: ClassVar[random.Random] = random.Random()

    def on_start(self) -> None:
        """Take a user number and a data row, and get ready to walk."""
        cls = type(self)
        if cls.numbers is None:
            index, count = cls.process()
            cls.numbers = itertools.count(index + 1, count)
            if self.journey.data is not None:
                cls.rows = RowPicker(self.journey.data, process_index=index, processes=count)
        client = LocustClient(self.client, self.environment)
        row = None
        if self.rows is not None:
            try:
                row = self.rows.next_row()
            except DataExhausted as error:
                client.record_failure(DATA_FAULT_METHOD, "data file", str(error))
                raise StopUser from None
        self.journey_runner = JourneyRunner(
            self.journey,
            client,
            vu=next(cls.numbers),
            row=row,
            rng=self.journey_rng,
            between_steps=self._pause if self.think_range[1] > 0 else None,
            sleep=gevent.sleep,
            overrides=self.overrides,
        )

    def wait_time(self) -> float:
        """Think time between passes and between steps: the case's range (0 for stress)."""
        low, high = self.think_range
        return self.journey_rng.uniform(low, high) if high > 0 else 0.0

    def _pause(self) -> None:
        gevent.sleep(self.wait_time())

    @task
    def walk(self) -> None:
        """One pass through the journey; a failed step was recorded and ends the pass."""
        self.journey_runner.run()


def journey_user_class(
    class_name: str,
    journey: Journey,
    *,
    think_range: tuple[float, float] = (0.0, 0.0),
    overrides: Mapping[str, Any] | None = None,
    process: Callable[[], tuple[int, int]] | None = None,
) -> type[JourneyUser]:
    """A concrete user class walking ``journey`` (one per scenario, one per process).

    ``process`` tells (index, count) of this load generator among all of them.
    """
    attributes = {
        "abstract": False,
        "journey": journey,
        "think_range": think_range,
        "overrides": dict(overrides or {}),
        "process": staticmethod(process or (lambda: (0, 1))),
        "__doc__": f"Walks the journey of scenario {journey.scenario_name!r}.",
        "__module__": __name__,
    }
    return type(class_name, (JourneyUser,), attributes)
