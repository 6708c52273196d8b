"""The baseline for ``bench_loadgen.py``: scenario 2 as it was hand-written in Python.

A frozen copy of the journey that ``journeys/steps.py`` and ``locustfiles/users.py`` ran
before the declarative steps replaced them (same requests, names, status and body checks,
one seeded user per virtual user, no think time). The benchmark runs it under the same
stairload listeners as the declarative ``scenario2`` (``-f locustfiles/stress.py,<this
file> --user-locustfile <this file>``) and compares requests per Locust CPU-second.
"""

from __future__ import annotations

import contextlib
import random
from typing import Any

from locust import FastHttpUser, task


class _Failed(Exception):
    """A step got a wrong status or body; the journey stops there."""


def _has(payload: Any, *keys: str) -> str | None:
    if not isinstance(payload, dict):
        return f"body is not a JSON object (got {type(payload).__name__})"
    missing = [key for key in keys if key not in payload]
    return f"body has no {', '.join(repr(key) for key in missing)}" if missing else None


def _list_of(payload: Any, key: str) -> str | None:
    if not isinstance(payload, dict) or not isinstance(payload.get(key), list):
        return f"body has no list {key!r}"
    return None


def _same_id(payload: Any, expected: int) -> str | None:
    if not isinstance(payload, dict) or payload.get("id") != expected:
        return f"body id is not {expected}"
    return None


class HandWrittenScenario2User(FastHttpUser):
    """Scenario 2 (plan status) with its steps written in Python, as before."""

    connection_timeout = 10.0
    network_timeout = 30.0

    def wait_time(self) -> float:
        """No think time (the stress case)."""
        return 0.0

    def on_start(self) -> None:
        """Pick a seeded user."""
        self.rng = random.Random()
        seeded = int(getattr(self.environment.parsed_options, "target_users", 0) or 2000)
        user = self.rng.randint(1, seeded)
        self.username, self.password = f"user{user}", f"password{user}"

    def _call(self, method: str, path: str, name: str, expect: int, body: Any = None,
              check: Any = None) -> Any:  # fmt: skip
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else None
        with self.client.request(
            method, path, name=name, json=body, headers=headers, catch_response=True
        ) as response:
            status = response.status_code or 0
            payload, reason = None, None
            if not status:
                reason = f"connection error: {response.error!r}"
            elif status != expect:
                reason = f"expected {expect}, got {status}"
            elif response.content:
                try:
                    payload = response.json()
                except ValueError:
                    reason = "body is not JSON"
            if reason is None and check is not None:
                reason = check(payload)
            if reason:
                response.failure(f"{method} {name}: {reason}")
                raise _Failed(reason)
            response.success()
            return payload

    @task
    def journey(self) -> None:
        """Login, list trips, get a trip, its plans; create, read, update, delete a plan."""
        with contextlib.suppress(_Failed):
            self._journey()

    def _journey(self) -> None:
        self.token = None
        body = self._call("POST", "/login", "/login", 200,
                          {"username": self.username, "password": self.password},
                          lambda p: _has(p, "token"))  # fmt: skip
        self.token = body["token"]
        trips = self._call("GET", "/trips", "/trips", 200, check=lambda p: _list_of(p, "trips"))
        if not trips["trips"]:
            return
        trip = self.rng.choice(trips["trips"])
        trip_id, days = trip["id"], max(1, int(trip.get("days", 1)))
        base = f"/trips/{trip_id}"
        self._call("GET", base, "/trips/[id]", 200, check=lambda p: _same_id(p, trip_id))
        self._call("GET", f"{base}/plans", "/trips/[id]/plans", 200,
                   check=lambda p: _list_of(p, "plans"))  # fmt: skip
        plan = self._call(
            "POST",
            f"{base}/plans",
            "/trips/[id]/plans",
            201,
            {
                "day": self.rng.randint(1, days),
                "title": "Load-test stop",
                "latitude": round(37.5 + self.rng.uniform(-0.2, 0.2), 6),
                "longitude": round(127.0 + self.rng.uniform(-0.2, 0.2), 6),
            },
            lambda p: _has(p, "id", "day"),
        )
        plan_id, day = plan["id"], int(plan["day"])
        plan_path = f"{base}/plans/{plan_id}"
        name = "/trips/[id]/plans/[id]"
        self._call("GET", plan_path, name, 200, check=lambda p: _same_id(p, plan_id))
        self._call("PATCH", plan_path, name, 200, {"title": "Load-test stop (moved)"},
                   lambda p: _same_id(p, plan_id))  # fmt: skip
        self._call("DELETE", plan_path, name, 204)
        self._call("GET", f"{base}/days/{day}/plans", "/trips/[id]/days/[day]/plans", 200,
                   check=lambda p: _list_of(p, "plans"))  # fmt: skip
