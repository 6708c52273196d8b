"""Bare Locust for ``bench_loadgen.py``: plain ``FastHttpUser`` classes and no stairload code.

``JourneyUser`` walks scenario 2 of ``scenarios.yaml`` written by hand: the same nine
requests, names, statuses and body checks as its declarative steps; each virtual user is
one seeded user (drawn once) and logs in at the start of every pass; a failed check ends
the pass. ``SingleGetUser`` sends one authenticated ``GET /trips/[id]`` per task with the
token and trip of one row of the benchmark's ``tokens.csv``. Both pause ``BENCH_THINK_SECONDS``
after every request, as a stairload case's think time does.

A plain locustfile has no stairload options, so its settings are environment variables:
``BENCH_SEEDED_USERS``, ``BENCH_THINK_SECONDS``, ``BENCH_TOKENS_CSV``. When Locust quits it
prints which of the project's packages the process had imported (``none``); the benchmark
fails when that line is missing or names one.

    BENCH_SEEDED_USERS=2000 locust -f benchmarks/bare_locust.py --headless -u 50 -r 50 \\
        -t 15s --host http://127.0.0.1:8080 JourneyUser
"""

from __future__ import annotations

import contextlib
import csv
import itertools
import os
import random
import sys
from collections.abc import Callable, Iterator
from typing import Any

import gevent
from locust import FastHttpUser, events, task

PROJECT_PACKAGES = ("stairload", "capacity", "reports", "locustfiles")
MODULES_LINE = "bare_locust: project modules loaded: "
_THINK_SECONDS = float(os.environ.get("BENCH_THINK_SECONDS", "0"))
_SEEDED_USERS = int(os.environ.get("BENCH_SEEDED_USERS", "2000"))


@events.quitting.add_listener
def _print_project_modules(**_: Any) -> None:
    loaded = sorted(name for name in sys.modules if name.split(".")[0] in PROJECT_PACKAGES)
    print(f"{MODULES_LINE}{', '.join(loaded) or 'none'}", flush=True)


class _Failed(Exception):
    """A request got a wrong status or body; the pass ends there."""


def _is_list(key: str) -> Callable[[Any], bool]:
    return lambda payload: isinstance(payload, dict) and isinstance(payload.get(key), list)


def _has_id(expected: Any) -> Callable[[Any], bool]:
    return lambda payload: isinstance(payload, dict) and payload.get("id") == expected


def _created(payload: Any) -> bool:
    return isinstance(payload, dict) and None not in (payload.get("id"), payload.get("day"))


class JourneyUser(FastHttpUser):
    """Scenario 2 (plan status), hand-written."""

    connection_timeout = 10.0
    network_timeout = 30.0

    def wait_time(self) -> float:
        """No pause between passes beyond the one after the last request."""
        return 0.0

    def on_start(self) -> None:
        """Be one seeded user for the whole run."""
        self.rng = random.Random()
        user = self.rng.randint(1, _SEEDED_USERS)
        self.credentials = {"username": f"user{user}", "password": f"password{user}"}
        self.token = ""

    @task
    def journey(self) -> None:
        """Log in, read a trip and its plans, create, read, update and delete a plan."""
        with contextlib.suppress(_Failed):
            self._journey()

    def _journey(self) -> None:
        rng = self.rng
        self.token = ""
        login = self._step("POST", "/login", "/login", 200, self.credentials,
                           lambda p: isinstance(p, dict) and "token" in p)  # fmt: skip
        self.token = login["token"]
        trips = self._step("GET", "/trips", "/trips", 200, accept=_is_list("trips"))["trips"]
        if not trips:
            return
        trip_id = rng.choice(trips)["id"]
        base = f"/trips/{trip_id}"
        trip = self._step("GET", base, "/trips/[id]", 200, accept=_has_id(trip_id))
        self._step("GET", f"{base}/plans", "/trips/[id]/plans", 200, accept=_is_list("plans"))
        body = {
            "day": rng.randint(1, int(trip["days"])),
            "title": "Load-test stop",
            "latitude": rng.uniform(37.3, 37.7),
            "longitude": rng.uniform(126.8, 127.2),
        }
        plan = self._step("POST", f"{base}/plans", "/trips/[id]/plans", 201, body, _created)
        plan_path, name = f"{base}/plans/{plan['id']}", "/trips/[id]/plans/[id]"
        self._step("GET", plan_path, name, 200, accept=_has_id(plan["id"]))
        self._step("PATCH", plan_path, name, 200, {"title": "Load-test stop (moved)"},
                   _has_id(plan["id"]))  # fmt: skip
        self._step("DELETE", plan_path, name, 204)
        self._step("GET", f"{base}/days/{plan['day']}/plans", "/trips/[id]/days/[day]/plans",
                   200, accept=_is_list("plans"))  # fmt: skip

    def _step(self, method: str, path: str, name: str, expected: int, body: Any = None,
              accept: Callable[[Any], bool] | None = None) -> Any:  # fmt: skip
        """Send one request and check it; the decoded body, or ``_Failed`` after the pause."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else None
        payload: Any = None
        with self.client.request(
            method, path, name=name, json=body, headers=headers, catch_response=True
        ) as response:
            reason = None
            if response.status_code != expected:
                reason = f"expected {expected}, got {response.status_code}"
            elif accept is not None:
                try:
                    payload = response.json()
                except ValueError:
                    reason = "body is not JSON"
                else:
                    reason = None if accept(payload) else "body check failed"
            if reason is None:
                response.success()
            else:
                response.failure(f"{method} {name}: {reason}")
        if _THINK_SECONDS:
            gevent.sleep(_THINK_SECONDS)
        if reason is not None:
            raise _Failed(reason)
        return payload


def _token_rows() -> Iterator[dict[str, str]]:
    path = os.environ.get("BENCH_TOKENS_CSV", "")
    if not path:
        raise RuntimeError("SingleGetUser needs BENCH_TOKENS_CSV (a token,trip_id file)")
    with open(path, newline="", encoding="utf-8") as handle:
        return itertools.cycle(list(csv.DictReader(handle)))


class SingleGetUser(FastHttpUser):
    """One authenticated GET of a trip per task, with one token row per virtual user."""

    rows: Iterator[dict[str, str]] | None = None

    def wait_time(self) -> float:
        """No pause beyond the one after the request."""
        return 0.0

    def on_start(self) -> None:
        """Take the next row of tokens.csv (rows are handed out in file order)."""
        if SingleGetUser.rows is None:
            SingleGetUser.rows = _token_rows()
        row = next(SingleGetUser.rows)
        self.headers = {"Authorization": f"Bearer {row['token']}"}
        self.path = f"/trips/{row['trip_id']}"

    @task
    def get_trip(self) -> None:
        """Read the trip; a status other than 2xx/3xx is a failure (Locust's default)."""
        self.client.get(self.path, name="/trips/[id]", headers=self.headers)
        if _THINK_SECONDS:
            gevent.sleep(_THINK_SECONDS)
