"""One Locust user class per scenario, each walking its journey from ``scenarios.yaml``."""

from __future__ import annotations

import contextlib
import random
from typing import Any, ClassVar

import gevent
from locust import FastHttpUser, task

from journeys import JourneyState, StepFailed, run_journey
from journeys.client import BodyCheck, verdict
from locustfiles.context import user_class_name
from locustfiles.runtime import run_context


class LocustClient:
    """``journeys.Client`` over a FastHttpUser's client: every request lands in Locust's stats."""

    def __init__(self, http: Any) -> None:
        self._http = http

    def call(
        self,
        method: str,
        path: str,
        *,
        name: str,
        expect: int,
        token: str | None = None,
        body: object = None,
        check: BodyCheck | None = None,
    ) -> Any:
        """Send, check status and body shape, record success or failure with its reason."""
        headers = {"Authorization": f"Bearer {token}"} if token else None
        with self._http.request(
            method, path, name=name, json=body, headers=headers, catch_response=True
        ) as response:
            payload, error = _payload(response)
            reason = verdict(method, name, response.status_code or 0, expect, payload, check, error)
            if reason:
                # Locust puts "METHOD name: " before a failure itself: say it once
                response.failure(reason.removeprefix(f"{method} {name}: "))
                raise StepFailed(reason)
            response.success()
            return payload


def _payload(response: Any) -> tuple[Any, str | None]:
    if not response.status_code:
        return None, f"connection error: {response.error!r}"
    if not response.content:
        return None, None
    try:
        return response.json(), None
    except ValueError:
        return None, "body is not JSON"


class JourneyUser(FastHttpUser):
    """Walks its scenario's steps in order, again and again, with the case's think time."""

    abstract = True
    scenario_name: ClassVar[str] = ""
    connection_timeout = 10.0
    network_timeout = 30.0

    def on_start(self) -> None:
        """Pick a seeded user and read the journey and think time of this run."""
        context = run_context(self.environment)
        self.journey_rng = random.Random()
        self.journey_steps = context.suite.scenario(self.scenario_name).steps
        self.think_range = context.think_range
        user_index = self.journey_rng.randint(1, context.seeded_users)
        self.journey_state = JourneyState.for_user(user_index, self.journey_rng)
        self.journey_client = LocustClient(self.client)

    def wait_time(self) -> float:
        """Think time between journeys: the case's range (0 for nGrinder-style stress)."""
        low, high = self.think_range
        return self.journey_rng.uniform(low, high) if high > 0 else 0.0

    def _pause(self) -> None:
        delay = self.wait_time()
        if delay > 0:
            gevent.sleep(delay)

    @task
    def journey(self) -> None:
        """One pass through the journey; a failed step is recorded and ends the pass."""
        with contextlib.suppress(StepFailed):
            run_journey(
                self.journey_client, self.journey_steps, self.journey_state, pause=self._pause
            )


class Scenario1User(JourneyUser):
    """Trip status: create, read, update and delete a trip."""

    scenario_name = "scenario1"


class Scenario2User(JourneyUser):
    """Plan status: manage a trip's plans and read a day sorted by distance."""

    scenario_name = "scenario2"


class Scenario3User(JourneyUser):
    """Browse: read a trip and one of its plans."""

    scenario_name = "scenario3"


USER_CLASSES: dict[str, type[JourneyUser]] = {
    cls.scenario_name: cls for cls in (Scenario1User, Scenario2User, Scenario3User)
}
assert all(cls.__name__ == user_class_name(name) for name, cls in USER_CLASSES.items())
