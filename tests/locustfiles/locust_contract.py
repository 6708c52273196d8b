"""Checks of the Locust parts stairload relies on, run in a fresh process (Locust patches gevent).

``python locust_contract.py`` prints a JSON object: check name -> None or what changed.
Used by test_locust_contract.py; pinned Locust version in constraints.txt.
"""

from __future__ import annotations

import inspect
import json
import random
import sys
from collections.abc import Callable
from pathlib import Path

import locust  # first: it monkey-patches the standard library
from locust import FastHttpUser, LoadTestShape
from locust.contrib.fasthttp import FastHttpSession, ResponseContextManager
from locust.event import EventHook, Events
from locust.runners import STATE_MISSING, MasterRunner, WorkerNodes, WorkerRunner
from locust.stats import StatsEntry, calculate_response_time_percentile

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from stairload.rundir.histogram import percentile, round_response_time  # noqa: E402

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


def buckets() -> None:
    entry = StatsEntry(None, "/x", "GET")
    rng = random.Random(3)
    times = [rng.uniform(0, 90_000) for _ in range(2_000)] + [0, 99.4, 100, 999.9]
    for elapsed in times:
        entry.log(elapsed, 0)
    ours: dict[int, int] = {}
    for elapsed in times:
        ours[round_response_time(elapsed)] = ours.get(round_response_time(elapsed), 0) + 1
    assert dict(entry.response_times) == ours, (
        "StatsEntry.response_times is no longer {rounded ms: count} with the rounding of "
        "locustfiles/histogram.py round_response_time"
    )


def percentiles() -> None:
    rng = random.Random(11)
    histogram: dict[int, int] = {}
    for _ in range(5_000):
        key = round_response_time(rng.expovariate(1 / 300))
        histogram[key] = histogram.get(key, 0) + 1
    count = sum(histogram.values())
    for fraction in (0.5, 0.95, 0.99, 1.0):
        theirs = calculate_response_time_percentile(histogram, count, fraction)
        assert percentile(histogram, count, fraction) == theirs, (
            f"Locust's p{fraction * 100:g} is computed differently from "
            "locustfiles/histogram.py percentile"
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
        buckets,
        percentiles,
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
