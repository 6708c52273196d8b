"""The JVM example service: it builds, serves the trip API, and starts cold (a real JIT)."""

from __future__ import annotations

import json
import random
import shutil
import statistics
import subprocess
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from capacity.config import load_scenarios
from stairload.journeys.blocking import BlockingClient
from stairload.journeys.runner import JourneyRunner
from stairload.scaleout.coldstart import measure_cold_start
from stairload.scaleout.instances import Instance, launch, stop, wait_until_answering

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("javac") is None, reason="needs a JDK: make jvm-target"),
]
REPO = Path(__file__).resolve().parents[2]
SCENARIO2 = load_scenarios(REPO / "scenarios.yaml").scenario("scenario2").journey


@pytest.fixture(scope="module")
def jar(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The jar built by ``make jvm-target`` into a temporary folder."""
    build = tmp_path_factory.mktemp("trip-jvm")
    subprocess.run(
        ["make", "-s", "jvm-target", f"JVM_BUILD={build}"],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    return build / "trip-jvm.jar"


@pytest.fixture
def start_jvm(
    jar: Path, tmp_path: Path, free_port: Callable[[], int]
) -> Iterator[Callable[..., Instance]]:
    """Start the JVM service with extra options; stopped after the test."""
    started: list[Instance] = []

    def start(*options: str) -> Instance:
        template = f"java -jar {jar} --port {{port}} --users 50 " + " ".join(options)
        instance = launch(template, f"jvm{len(started)}", free_port(), {}, tmp_path)
        started.append(instance)
        wait_until_answering(instance, "/health", timeout_seconds=30)
        return instance

    yield start
    for instance in started:
        stop(instance)


def _call(
    url: str, method: str, path: str, body: object = None, token: str = ""
) -> tuple[int, object]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_make_target_builds_a_runnable_jar(jar: Path) -> None:
    """make jvm-target leaves a jar with the service's main class."""
    listing = subprocess.run(["jar", "tf", str(jar)], capture_output=True, text=True, check=True)
    assert "trip/TripServer.class" in listing.stdout.splitlines()


def test_scenario2_journeys_pass(start_jvm: Callable[..., Instance]) -> None:
    """Ten scenario-2 journeys (nine requests each, with their body checks) all succeed."""
    instance = start_jvm()
    failures: list[str] = []
    client = BlockingClient(
        instance.url,
        on_request=lambda m, n, ms, reason: failures.append(reason) if reason else None,
    )
    try:
        for user in range(1, 11):
            runner = JourneyRunner(
                SCENARIO2, client, vu=user, rng=random.Random(user), overrides={"seeded_users": 50}
            )
            assert runner.run() is None
    finally:
        client.close()
    assert failures == []


def test_answers_have_the_target_api_shapes(start_jvm: Callable[..., Instance]) -> None:
    """Login, a trip, a plan and the day's route carry the fields of docs/target-api.md."""
    url = start_jvm().url
    status, body = _call(url, "POST", "/login", {"username": "user7", "password": "password7"})
    assert status == 200 and set(body) == {"token", "user_id"}  # type: ignore[arg-type]
    token = body["token"]  # type: ignore[index]
    _, trips = _call(url, "GET", "/trips", token=token)
    trip = trips["trips"][0]  # type: ignore[index]
    assert set(trip) == {"id", "title", "start_date", "end_date", "status", "days"}
    status, plan = _call(
        url,
        "POST",
        f"/trips/{trip['id']}/plans",
        {"day": 1, "title": "x", "latitude": 37.5, "longitude": 127.0},
        token,
    )
    assert status == 201
    assert set(plan) == {"id", "trip_id", "day", "title", "latitude", "longitude"}  # type: ignore[arg-type]
    _, route = _call(url, "GET", f"/trips/{trip['id']}/days/1/plans", token=token)
    assert set(route) == {"trip_id", "day", "total_km", "plans"}  # type: ignore[arg-type]
    assert route["plans"][0]["leg_km"] == 0.0  # type: ignore[index]


@pytest.mark.parametrize(
    ("method", "path", "body", "with_token", "status"),
    [
        ("POST", "/login", {"username": "user7", "password": "wrong"}, False, 401),
        ("GET", "/trips", None, False, 401),
        ("GET", "/trips/999999", None, True, 404),
        ("GET", "/trips/abc", None, True, 400),
        ("POST", "/trips/1/plans", {"day": 1}, True, 400),
        ("DELETE", "/login", None, False, 405),
    ],
)
def test_errors_answer_the_target_api_statuses(
    start_jvm: Callable[..., Instance],
    method: str,
    path: str,
    body: object,
    with_token: bool,
    status: int,
) -> None:
    """Bad requests get the same status as from the embedded target, with an error sentence."""
    url = start_jvm().url
    token = ""
    if with_token:
        token = _call(url, "POST", "/login", {"username": "user1", "password": "password1"})[1][
            "token"  # type: ignore[index]
        ]
    answered, payload = _call(url, method, path, body, token)
    assert (answered, sorted(payload)) == (status, ["error"])  # type: ignore[arg-type]


def test_health_is_gated_until_warmup_complete(start_jvm: Callable[..., Instance]) -> None:
    """With --require-warmup, /health answers 503 until POST /warmup/complete, then 200."""
    url = start_jvm("--require-warmup").url
    assert _call(url, "GET", "/health") == (503, {"status": "warming_up"})
    assert _call(url, "POST", "/warmup/complete") == (200, {"status": "ok"})
    assert _call(url, "GET", "/health") == (200, {"status": "ok"})


def test_first_requests_are_slower_than_warm_ones(jar: Path, free_port: Callable[[], int]) -> None:
    """The median of requests 1-500 is over 1.5x that of requests 10,001-10,500 (the JIT)."""
    latencies = measure_cold_start(
        f"java -jar {jar} --port {{port}} --users 1000",
        free_port(),
        scenarios_path=REPO / "scenarios.yaml",
        scenario="scenario2",
        requests=10_500,
    )
    cold, warm = statistics.median(latencies[:500]), statistics.median(latencies[10_000:10_500])
    assert cold > 1.5 * warm, (cold, warm)
