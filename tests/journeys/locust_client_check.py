"""Sends through ``LocustClient`` in a fresh process (Locust patches gevent) and prints JSON.

``python locust_client_check.py URL COUNT [emfile]``: COUNT ``GET /`` through a FastHttpUser's
client; prints each send's failure reason (null on success) and each request event's
exception as ``[kind, text]`` (kind ``fault`` for a generator fault, ``failure`` else).
With ``emfile``, the descriptor limit is used up by open files before sending.
"""

from __future__ import annotations

import json
import os
import resource
import sys
from pathlib import Path

import locust  # noqa: F401  first: it monkey-patches the standard library
from locust import FastHttpUser
from locust.env import Environment

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from stairload.core.faults import is_generator_fault
from stairload.journeys.locust_client import LocustClient


def main() -> None:
    """Send, record, print."""
    url, count = sys.argv[1], int(sys.argv[2])
    environment = Environment()
    events: list[list[str] | None] = []

    def on_request(exception: object = None, **_: object) -> None:
        if exception is None:
            events.append(None)
        else:
            kind = "fault" if is_generator_fault(exception) else "failure"
            events.append([kind, repr(exception)])

    environment.events.request.add_listener(on_request)
    user_class = type("Probe", (FastHttpUser,), {"host": url, "abstract": False})
    client = LocustClient(user_class(environment).client, environment)
    held = []
    if len(sys.argv) > 3:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(soft, 256), hard))
        try:
            while True:
                held.append(os.open(os.devnull, os.O_RDONLY))
        except OSError:
            pass
    reasons = [
        client.send(
            "GET", "/", name="/", headers={}, body=None, judge=lambda s, b, e: e or _status(s)
        )
        for _ in range(count)
    ]
    for descriptor in held:
        os.close(descriptor)
    print(json.dumps({"reasons": reasons, "events": events}))


def _status(status: int) -> str | None:
    return None if status == 200 else f"status {status}"


if __name__ == "__main__":
    main()
