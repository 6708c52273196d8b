"""The arrival stair (open workload): rates from the plan, and exact per-process schedules."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capacity.arrival_shapes import arrivals_for
from capacity.arrival_stairs import (
    EVEN,
    POISSON,
    ArrivalStairs,
    ArrivalStep,
    build_arrival_stairs,
    process_arrivals,
)
from capacity.config import load_scenarios
from stairload.core.errors import ConfigError, UsageError


def test_scenario2_arrival_stair_runs_from_the_average_to_the_stress_peak(
    repo_scenarios: str,
) -> None:
    """21.412 and 38.542 requests/s over 18.5 requests a journey: 1.157 -> 2.083 journeys/s."""
    stairs = arrivals_for(load_scenarios(repo_scenarios), "scenario2")
    assert stairs.start_rate == pytest.approx(21.412 / 18.5, abs=1e-3)
    assert stairs.end_rate == pytest.approx(38.542 / 18.5, abs=1e-3)
    assert stairs.step_rate == pytest.approx(100 / 1000)  # step_users / journey_seconds
    assert stairs.max_users == 2100  # the stress case's VUser
    assert stairs.steps[1] == ArrivalStep(2, pytest.approx(1.257407407), 60.0, 120.0)
    assert stairs.total_seconds == 10 * 60 + 300


def test_scales_shrink_rates_and_durations(repo_scenarios: str) -> None:
    """users_scale multiplies rates and the pool's ceiling, time_scale every duration."""
    stairs = arrivals_for(
        load_scenarios(repo_scenarios), "scenario3", time_scale=0.1, users_scale=0.5
    )
    assert stairs.start_rate == pytest.approx(13.310 / 11.5 * 0.5, abs=1e-3)
    assert [step.end_s for step in stairs.steps] == [6.0, 12.0, 42.0]
    assert stairs.max_users == 15


def test_explicit_rates_override_the_plan(repo_scenarios: str) -> None:
    """start_rate, end_rate, step_rate and max_users given: the plan is not asked."""
    stairs = arrivals_for(
        load_scenarios(repo_scenarios),
        "scenario3",
        start_rate=10,
        end_rate=20,
        step_rate=5,
        max_users=7,
    )
    assert [step.rate for step in stairs.steps] == [10, 15, 20]
    assert stairs.max_users == 7


def test_end_rate_below_start_rate_is_a_usage_error(repo_scenarios: str) -> None:
    """An end rate below the start rate names both."""
    with pytest.raises(UsageError, match=r"end rate \(1/s\) must be >= start rate \(2/s\)"):
        arrivals_for(load_scenarios(repo_scenarios), "scenario3", start_rate=2, end_rate=1)


def test_even_arrivals_are_evenly_spaced_from_zero() -> None:
    """4 journeys/s for 1 s: at 0, 0.25, 0.5, 0.75."""
    stairs = build_arrival_stairs(
        start_rate=4, end_rate=4, step_rate=1, step_seconds=1, hold_seconds=1, max_users=1
    )
    assert list(process_arrivals(stairs, 0, 1)) == [0.0, 0.25, 0.5, 0.75]


def _stairs(arrivals: str, start: float, end: float, step: float, seconds: float) -> ArrivalStairs:
    return build_arrival_stairs(
        start_rate=start,
        end_rate=end,
        step_rate=step,
        step_seconds=seconds,
        hold_seconds=seconds,
        max_users=10,
        arrivals=arrivals,
        seed=7,
    )


@settings(max_examples=60, deadline=None)
@given(
    arrivals=st.sampled_from((EVEN, POISSON)),
    start=st.floats(0.1, 30),
    extra=st.floats(0, 30),
    step=st.floats(0.5, 20),
    seconds=st.floats(0.5, 10),
    processes=st.integers(1, 5),
)
def test_each_step_starts_the_plan_within_one_per_process(
    arrivals: str, start: float, extra: float, step: float, seconds: float, processes: int
) -> None:
    """Split over any number of processes, every step's starts add up to the plan exactly,
    and each process's share is within one of an even split."""
    stairs = _stairs(arrivals, start, start + extra, step, seconds)
    shares = [list(process_arrivals(stairs, index, processes)) for index in range(processes)]
    for plateau in stairs.steps:
        planned = stairs.planned_starts(plateau.start_s, plateau.end_s)
        counts = [
            sum(plateau.start_s <= moment < plateau.end_s for moment in share) for share in shares
        ]
        assert sum(counts) == planned
        assert max(counts) - min(counts) <= 1
        if arrivals == EVEN:  # cumulative, not per step: no drift at any step's end
            by_end = sum(moment < plateau.end_s for share in shares for moment in share)
            assert by_end == stairs.planned_starts(0, plateau.end_s)
    for share in shares:
        assert share == sorted(share)


def test_poisson_arrivals_are_seeded_and_not_even() -> None:
    """The same seed gives the same moments; the gaps vary (they are not evenly spaced)."""
    stairs = _stairs(POISSON, 20, 20, 1, 5)
    first = list(process_arrivals(stairs, 0, 1))
    assert first == list(process_arrivals(stairs, 0, 1))
    gaps = [later - earlier for earlier, later in itertools.pairwise(first)]
    assert len(first) == 100 and max(gaps) > 3 * min(gaps)


def test_scenario_file_may_ask_for_arrivals(small_yaml: Callable[[str, str], str]) -> None:
    """stairs: {shape: arrivals, arrivals: poisson, max_users: 3} is read into the settings."""
    path = small_yaml(
        "spawn_rate: 100}",
        "spawn_rate: 100, shape: arrivals, arrivals: poisson, max_users: 3}",
    )
    settings_ = load_scenarios(path).scenario("scenario2").stairs
    assert (settings_.shape, settings_.arrivals, settings_.max_users) == ("arrivals", POISSON, 3)


def test_unknown_arrivals_kind_names_the_field(small_yaml: Callable[[str, str], str]) -> None:
    """arrivals: burst is an error naming the field and the allowed values."""
    path = small_yaml("spawn_rate: 100}", "spawn_rate: 100, arrivals: burst}")
    with pytest.raises(ConfigError) as error:
        load_scenarios(path)
    assert "scenarios.scenario2.stairs.arrivals" in str(error.value)
    assert "even" in str(error.value) and "poisson" in str(error.value)
