"""Remote workers over a real (namespaced) network: a lost worker, and 50 ms between hosts."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from multihost import (
    HOSTS,
    locust_total_requests,
    run_json,
    start_run,
    start_target,
    totals,
)
from netns import Network

pytestmark = pytest.mark.integration

# Scenario 2 at 1/100 of its users and 1/20 of its time: 12 -> 21 users, 3-second steps.
STAIR = [
    "--time-scale",
    "0.05",
    "--users-scale",
    "0.01",
    "--hold-seconds",
    "60",
    "--target-users",
    "300",
]
# Four users (two per worker) for 15 seconds, no report: the delay case's constant load.
CONSTANT = [
    "--shape",
    "constant",
    "--time-scale",
    "0.05",
    "--users-scale",
    "0.0034",
    "--duration-seconds",
    "300",
    "--target-users",
    "300",
    "--no-report",
]
CUT_AT_SECOND = 12


def test_a_worker_host_cut_off_mid_run_is_named_and_the_run_completes(
    network: Callable[..., Network], tmp_path: Path
) -> None:
    """Unplugging worker2 at ~12 s: the stair ends on worker1, run.json and the report say
    which worker was lost and when, and intervals.csv still counts every request once."""
    net = network(HOSTS)
    target = start_target(net, tmp_path)
    run = start_run(net, tmp_path / "run", target, STAIR)
    deadline = time.monotonic() + 90
    while run.seconds_written() < CUT_AT_SECOND and time.monotonic() < deadline:
        time.sleep(0.2)
    net.cut("worker2")
    cut_at = time.time()
    code, output = run.wait()
    record = run_json(run.run_dir)
    cut_s = cut_at - datetime.fromisoformat(record["started_at"]).timestamp()
    lost = record["load_generator"]["lost_workers"]
    rows = totals(run.run_dir)
    print(f"exit {code}; cut at {cut_s:.1f} s; lost {lost}; {len(rows)} seconds")
    assert record["exit_reason"] == "completed", output
    assert code in (0, 98, 99), output  # the verdict is not what this test is about
    assert len(lost) == 1
    assert net["worker2"].address in lost[0]["worker"]
    # Locust calls a worker missing after three heartbeats (a second apart) go unanswered.
    assert cut_s <= lost[0]["time_s"] <= cut_s + 8
    report = (run.run_dir / "report.html").read_text(encoding="utf-8")
    assert net["worker2"].address in report
    assert [int(row["time_s"]) for row in rows] == list(range(len(rows)))
    assert sum(int(row["requests"]) for row in rows) == locust_total_requests(run.run_dir)
    assert int(rows[-2]["users"]) == 21  # worker1 alone runs the last step's users


def _steady(run_dir: Path) -> tuple[float, float, int]:
    """Mean TPS, request-weighted MTT (ms) and users over the run's full-load seconds."""
    rows = [row for row in totals(run_dir) if row["mean_ms"]]
    users = max(int(row["users"]) for row in rows)
    steady = [row for row in rows if int(row["users"]) == users][2:-1]
    requests = [int(row["requests"]) for row in steady]
    mtt = sum(float(row["mean_ms"]) * int(row["requests"]) for row in steady) / sum(requests)
    return statistics.mean(requests), mtt, users


def _constant_run(net: Network, run_dir: Path, target: str) -> tuple[float, float, int]:
    run = start_run(net, run_dir, target, CONSTANT)
    code, output = run.wait()
    assert code == 0, output
    return _steady(run_dir)


def test_50_ms_between_workers_and_target_adds_50_ms_to_mtt_and_lowers_tps_by_littles_law(
    network: Callable[..., Network], tmp_path: Path
) -> None:
    """With 50 ms on each worker host's packets, MTT grows by ~50 ms and TPS = users / MTT:
    the response times are taken on the generator side, network included."""
    plain_net = network(HOSTS)
    tps_plain, mtt_plain, users = _constant_run(
        plain_net, tmp_path / "plain", start_target(plain_net, tmp_path / "a")
    )
    plain_net.close()
    slow_net = network(HOSTS, delays={"worker1": 50, "worker2": 50})
    tps_slow, mtt_slow, users_slow = _constant_run(
        slow_net, tmp_path / "slow", start_target(slow_net, tmp_path / "b")
    )
    print(
        f"delay via {slow_net.delay_method}: users {users}; plain TPS {tps_plain:.1f}, "
        f"MTT {mtt_plain:.1f} ms; delayed TPS {tps_slow:.1f}, MTT {mtt_slow:.1f} ms; "
        f"Little's law users/MTT = {users_slow / (mtt_slow / 1000):.1f}"
    )
    assert users == users_slow == 4
    assert 45 <= mtt_slow - mtt_plain <= 75
    assert tps_slow == pytest.approx(users_slow / (mtt_slow / 1000), rel=0.15)
    assert tps_slow < tps_plain
