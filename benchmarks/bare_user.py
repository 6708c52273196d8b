"""The baseline for ``bench_loadgen.py``: a bare FastHttpUser reading one trip, over and over.

Logs in once in ``on_start`` as a random seeded user, picks that user's first trip, then
sends ``GET /trips/{id}`` (named ``/trips/[id]``) back to back with no think time. No
journey, no body checks, no stairload listeners: what Locust costs per request on its own.

    locust -f benchmarks/bare_user.py --headless -u 50 -r 50 -t 15s \\
        --host http://127.0.0.1:8080 --target-users 2000
"""

from __future__ import annotations

import random
from typing import Any

from locust import FastHttpUser, constant, events, task


@events.init_command_line_parser.add_listener
def _on_parser(parser: Any, **_: Any) -> None:
    parser.add_argument(
        "--target-users", type=int, default=1000, help="how many users the target has"
    )


class BareTripReader(FastHttpUser):
    """One authenticated GET per task; a non-2xx answer counts as a failure (Locust's default)."""

    wait_time = constant(0)

    def on_start(self) -> None:
        """Log in and find a trip to read."""
        user = random.randint(1, self.environment.parsed_options.target_users)
        login = self.client.post(
            "/login", json={"username": f"user{user}", "password": f"password{user}"}
        )
        self.headers = {"Authorization": f"Bearer {login.json()['token']}"}
        trips = self.client.get("/trips", headers=self.headers).json()["trips"]
        self.trip_path = f"/trips/{trips[0]['id']}"

    @task
    def get_trip(self) -> None:
        """Read the trip."""
        self.client.get(self.trip_path, name="/trips/[id]", headers=self.headers)
