"""The user classes of a run: the scenario's journey as one class made at init, or a locustfile's.

Locust needs a concrete user class when it imports the locustfile, before the run's
options are known, so ``ScenarioUser`` stands in; ``install_user_classes`` (run from the
init event of every Locust process) replaces it. For declarative steps that is one
generic ``stairload.journeys.locust_user.JourneyUser`` subclass named after the scenario
(``notes_crud`` -> ``NotesCrudUser``). With ``--user-locustfile`` the classes of that file
run instead, exactly as Locust would pick them (weights, ``fixed_count``, ``wait_time``).
"""

from __future__ import annotations

from typing import Any

from locust import User, task
from locust.exception import StopUser

from stairload.core.errors import UsageError
from stairload.journeys.locust_user import journey_user_class
from stairload.loadgen.arrivals import arrival_driver_class
from stairload.loadgen.context import RunContext, user_class_name


class ScenarioUser(User):
    """Stands in for the scenario's user class until the init event installs the real one."""

    @task
    def never(self) -> None:
        """Runs only when the run is already stopping on an error: stop quietly."""
        raise StopUser


def install_user_classes(environment: Any, context: RunContext) -> list[str]:
    """Put the run's user classes on ``environment``; return their names."""
    if context.user_locustfile:
        own = [cls for cls in environment.user_classes if cls is not ScenarioUser]
        if not own:
            raise UsageError(
                f"--locustfile: {context.user_locustfile} defines no Locust user class"
            )
        environment.user_classes = own
    else:
        journey = context.scenario.journey
        if not journey.steps:
            raise UsageError(
                f"scenario {context.scenario.name!r} has no steps; give them in "
                f"{context.suite.source} or run it with --locustfile"
            )
        overrides = {"seeded_users": context.seeded_users} if context.seeded_users else {}
        journey_class = journey_user_class(
            user_class_name(context.scenario.name),
            journey,
            think_range=context.think_range,
            overrides=overrides,
            process=lambda: _process(environment),
        )
        if context.arrivals is not None:  # an open run: one scheduler per process, a pool
            journey_class = arrival_driver_class(journey_class, lambda: _process(environment))
        environment.user_classes = [journey_class]
    return [cls.__name__ for cls in environment.user_classes]


def _process(environment: Any) -> tuple[int, int]:
    """(index, count) of this load-generator process: (0, 1) unless it is a worker."""
    index = getattr(environment.runner, "worker_index", -1)
    count = int(getattr(environment.parsed_options, "expect_workers", 1) or 1)
    if index is None or index < 0 or count <= 1:
        return 0, 1
    return index % count, count
