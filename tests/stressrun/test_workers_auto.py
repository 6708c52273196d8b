"""--workers auto: Locust processes and embedded-target workers chosen from cores and plan."""

from __future__ import annotations

import pytest

from stairload.run.workers import available_cores, choose_workers


@pytest.mark.parametrize(
    ("cores", "users", "tps", "expected"),
    [
        (2, 21, 42.0, 0),  # a smoke run: one process
        (2, 2100, 4200.0, 2),  # scenario 2 at full scale on 2 cores: 3 wanted, 2 fit
        (8, 2100, 4200.0, 3),  # 3 wanted by users, 8 cores: 3
        (8, 900, 9000.0, 3),  # few users at a high rate: 9,000 / 3,000 = 3
        (1, 2100, 4200.0, 0),  # one core: one process, nothing more fits
        (16, 1000, 100.0, 0),  # exactly 1,000 users: one process
    ],
)
def test_locust_workers_follow_users_rate_and_cores(cores, users, tps, expected):
    """One process per 1,000 users or 3,000 req/s, at most one per core; 1 process = 0 workers."""
    assert choose_workers(cores, users, tps, embedded_target=False).locust_workers == expected


def test_host_given_leaves_the_target_alone():
    """Without the embedded target there are no target workers to choose."""
    assert choose_workers(8, 2100, 4200.0, embedded_target=False).target_workers == 0


@pytest.mark.parametrize(
    ("cores", "users", "tps", "expected"),
    [
        (2, 2100, 4200.0, 1),  # generator takes both cores: the target still gets one
        (8, 2100, 12_000.0, 3),  # 12,000 / 5,000 = 3 wanted, 8 - 4 = 4 left: 3
        (4, 2100, 12_000.0, 1),  # 3 wanted, 4 - 3 = 1 left: 1
    ],
)
def test_embedded_target_gets_what_the_generator_leaves(cores, users, tps, expected):
    """Target workers: one per 5,000 planned req/s, within the cores left over, at least 1."""
    assert choose_workers(cores, users, tps, embedded_target=True).target_workers == expected


def test_reason_shows_the_figures_and_the_choice():
    """The reason names cores, users, TPS, the wanted and chosen counts."""
    reason = choose_workers(2, 2100, 4200.0, embedded_target=True).reason
    assert reason.startswith(
        "2 cores; the plan peaks at 2,100 users and 4,200 TPS: 3 Locust processes wanted "
        "(one per 1,000 users or 3,000 requests/s), 2 fit -> WORKERS=2; embedded target: "
        "1 server worker (1 wanted, one per 5,000 requests/s)."
    )


def test_reason_warns_when_target_and_generator_share_cores():
    """2 generator processes and 1 target worker on 2 cores: the reason says they share."""
    assert "share the 2 cores" in choose_workers(2, 2100, 4200.0, embedded_target=True).reason


def test_enough_cores_are_not_called_shared():
    """On 8 cores, 3 + 1 processes do not share: no contention sentence."""
    assert "share" not in choose_workers(8, 2100, 4200.0, embedded_target=True).reason


def test_available_cores_is_at_least_one():
    """The affinity-based core count is a positive int."""
    assert available_cores() >= 1


def test_back_to_back_users_against_the_embedded_target_get_two_processes_on_two_cores() -> None:
    """21 users without think time send ~5,000 requests/s, not the plan's 42: two processes."""
    choice = choose_workers(2, 21, 42.0, embedded_target=True, back_to_back=True)
    assert choice.locust_workers == 2
    assert "send as fast as the embedded target answers, about 5,000 requests/s" in choice.reason
    assert choose_workers(2, 21, 42.0, embedded_target=True).locust_workers == 0
    assert choose_workers(2, 21, 42.0, embedded_target=False, back_to_back=True).locust_workers == 0
