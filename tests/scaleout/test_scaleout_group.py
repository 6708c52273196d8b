"""The group for real: embedded-target instances behind HAProxy, resized by the policy."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from stairload.scaleout.config import ScalingSettings
from stairload.scaleout.events import EventLog
from stairload.scaleout.group import Group
from stairload.scaleout.haproxy import BalancerConfig, HAProxy
from stairload.scaleout.instances import DEFAULT_INSTANCE_CMD
from stairload.scaleout.policy import ScalingPolicy
from stairload.scaleout.warmup_gate import WarmupSpec
from stairload.target.db import create_database

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
# Any busy second is "above target" (1%), an idle one is below 0.9%: the test drives the
# alarms with load on and load off, in periods of one second.
POLICY = ScalingPolicy(
    target_cpu_percent=1.0,
    min_instances=1,
    max_instances=2,
    period_seconds=1.0,
    scale_out_periods=2,
    scale_in_periods=3,
    scale_in_ratio=0.9,
    cooldown_seconds=2.0,
    instance_warmup_seconds=0.0,
)


class _Load:
    """Threads logging in through the balancer; counts every answer's status."""

    def __init__(self, url: str, threads: int = 4) -> None:
        self.url = url
        self.statuses: Counter[int | str] = Counter()
        self.stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def __enter__(self) -> _Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join()

    def _run(self) -> None:
        body = json.dumps({"username": "user1", "password": "password1"}).encode()
        while not self.stop.is_set():
            request = urllib.request.Request(f"{self.url}/login", data=body, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    self.statuses[response.status] += 1
            except urllib.error.HTTPError as error:
                self.statuses[error.code] += 1
            except OSError as error:
                self.statuses[type(error).__name__] += 1


@pytest.fixture
def group(tmp_path: Path, free_port: Callable[[], int]) -> Iterator[Group]:
    """A started group of embedded targets sharing one seeded database."""
    db = tmp_path / "shared.db"
    create_database(db, users=10)
    (tmp_path / "instances").mkdir()
    haproxy = HAProxy(
        BalancerConfig(free_port(), tmp_path / "haproxy.sock", slots=3, check_interval_ms=300),
        tmp_path,
    )
    haproxy.start()
    group = Group(
        ScalingSettings(policy=POLICY, health_check_grace_seconds=0.0),
        haproxy,
        DEFAULT_INSTANCE_CMD,
        {"db": str(db)},
        tmp_path,
        EventLog(tmp_path),
        launch_timeout_seconds=30,
    )
    try:
        group.start()
        yield group
    finally:
        group.stop()
        haproxy.stop()


def _wait(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.1)


def _events(group: Group, kind: str) -> list[str]:
    return [e.instance for e in group.log.events if e.event == kind]


def test_group_starts_at_minimum_in_service(group: Group) -> None:
    """A new group has its minimum of one instance, in service behind HAProxy."""
    assert (_events(group, "launch"), _events(group, "in_service")) == (["i-1"], ["i-1"])


def test_busy_group_scales_out_then_idle_group_scales_in_without_failures(
    group: Group,
) -> None:
    """Load above target adds i-2; idle, the newest (i-2) is drained and terminated; no failures."""
    with _Load(group.haproxy.url) as load:
        _wait(lambda: "i-2" in _events(group, "in_service"))
        time.sleep(1.0)  # i-2 takes requests too
    _wait(lambda: "i-2" in _events(group, "termination"))
    decisions = [e for e in group.log.events if e.event == "decision"]
    assert decisions[0].alarm == POLICY.scale_out_alarm
    assert decisions[-1].alarm == POLICY.scale_in_alarm
    assert _events(group, "drain") == ["i-2"]
    assert set(load.statuses) == {200}, load.statuses


def test_killed_instance_is_replaced(group: Group) -> None:
    """A SIGKILLed instance is found DOWN by the health check, terminated and replaced."""
    group.settings = ScalingSettings(
        policy=ScalingPolicy(max_instances=1, period_seconds=60), health_check_grace_seconds=0.0
    )
    assert group.kill_newest("test") == "i-1"
    _wait(lambda: "i-2" in _events(group, "in_service"))
    assert [e.event for e in group.log.events if e.instance == "i-1"][-4:] == [
        "kill",
        "unhealthy",
        "drain",
        "termination",
    ]


def test_warm_up_runs_before_the_health_check_may_pass(
    tmp_path: Path, free_port: Callable[[], int]
) -> None:
    """With warm-up gating, 60 real journey requests reach the instance before it serves."""
    db = tmp_path / "shared.db"
    create_database(db, users=10)
    (tmp_path / "instances").mkdir()
    haproxy = HAProxy(BalancerConfig(free_port(), tmp_path / "haproxy.sock", slots=2), tmp_path)
    haproxy.start()
    warmup = WarmupSpec(60, "scenario2", REPO / "scenarios.yaml", users=10, concurrency=2)
    group = Group(
        ScalingSettings(policy=POLICY),
        haproxy,
        DEFAULT_INSTANCE_CMD,
        {"db": str(db)},
        tmp_path,
        EventLog(tmp_path),
        warmup,
        launch_timeout_seconds=60,
    )
    try:
        group.start()
        url = group.members["i-1"].instance.url
        with urllib.request.urlopen(f"{url}/metrics", timeout=5) as response:
            served = json.load(response)["requests_total"]
    finally:
        group.stop()
        haproxy.stop()
    assert [e.event for e in group.log.events] == ["launch", "warmed_up", "in_service"]
    assert served >= 60
