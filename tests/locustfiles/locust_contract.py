"""Checks of the Locust parts stairload relies on, run in a fresh process (Locust patches gevent).

``python locust_contract.py`` prints a JSON object: check name -> None or what changed.
Used by test_locust_contract.py; pinned Locust version in constraints.txt.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from pathlib import Path

import locust  # first: it monkey-patches the standard library
from locust import FastHttpUser, LoadTestShape
from locust.contrib.fasthttp import FastHttpSession, ResponseContextManager
from locust.event import EventHook, Events
from locust.runners import STATE_MISSING, MasterRunner, WorkerNodes, WorkerRunner

ROOT = Path(__file__).resolve().parents[2]

EVENTS = (
    "init",
    "init_command_line_parser",
    "request",
    "report_to_master",
    "worker_report",
    "worker_connect",
    "quitting",
)


def _pinned_locust() -> str:
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.lower().startswith("locust=="):
            return line.split("==", 1)[1]
    raise AssertionError("constraints.txt pins no locust version")


def version() -> None:
    assert locust.__version__ == _pinned_locust(), (
        f"Locust {locust.__version__} is installed but constraints.txt pins {_pinned_locust()}:"
        " run the suite, then update constraints.txt"
    )


def events() -> None:
    gone = [name for name in EVENTS if not isinstance(getattr(Events(), name, None), EventHook)]
    assert not gone, f"Locust events used by locustfiles/ are gone: {', '.join(gone)}"


def runner_messages() -> None:
    for runner in (MasterRunner, WorkerRunner):
        for method, expected in (
            ("register_message", ["msg_type", "listener"]),
            ("send_message", ["msg_type", "data", "client_id"]),
        ):
            found = list(inspect.signature(getattr(runner, method)).parameters)[1:]
            assert found[: len(expected)] == expected, (
                f"{runner.__name__}.{method} now takes {found}, not {expected}"
            )


def workers() -> None:
    assert STATE_MISSING == "missing", f"a lost worker's state is now {STATE_MISSING!r}"
    assert hasattr(WorkerNodes, "all"), "runner.clients.all (WorkerNodes.all) is gone"
    assert hasattr(MasterRunner, "get_worker_index"), "MasterRunner.get_worker_index is gone"


def fast_http_client() -> None:
    parameters = inspect.signature(FastHttpSession.request).parameters
    lost = [
        name
        for name in ("method", "url", "name", "json", "headers", "catch_response")
        if name not in parameters
    ]
    assert not lost, f"FastHttpSession.request lost {', '.join(lost)}"
    for method in ("success", "failure"):
        assert callable(getattr(ResponseContextManager, method, None)), (
            f"ResponseContextManager.{method} is gone"
        )
    assert issubclass(FastHttpUser, locust.User), "FastHttpUser is no longer a User"


def shape_hooks() -> None:
    gone = [
        name
        for name in ("tick", "reset_time", "get_run_time", "use_common_options")
        if not hasattr(LoadTestShape, name)
    ]
    assert not gone, f"LoadTestShape lost {', '.join(gone)}"


CHECKS: dict[str, Callable[[], None]] = {
    check.__name__: check
    for check in (
        version,
        events,
        runner_messages,
        workers,
        fast_http_client,
        shape_hooks,
    )
}


def main() -> None:
    results: dict[str, str | None] = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = None
        except AssertionError as error:
            results[name] = str(error)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
