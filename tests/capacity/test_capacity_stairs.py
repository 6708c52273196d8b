"""The stair of scenario 2 from scenarios.yaml, at full scale and at smoke-run scale."""

from __future__ import annotations

import pytest

import capacity
from capacity.config import load_scenarios
from capacity.stairs import Step, stage_at
from stairload.core.errors import UsageError


def test_scenario2_climbs_from_1200_to_2100_in_nine_increments(repo_scenarios: str) -> None:
    """Scenario 2 starts at the average VUser (1,200) and adds 100 nine times to 2,100."""
    stairs = capacity.stairs_for(load_scenarios(repo_scenarios), "scenario2")
    assert [step.users for step in stairs.steps] == list(range(1200, 2101, 100))


def test_scenario2_timeline_has_the_planned_times(repo_scenarios: str) -> None:
    """A 12 s ramp to 1,200, one-minute steps with 1 s ramps, a 300 s hold: 852 s in all."""
    stairs = capacity.stairs_for(load_scenarios(repo_scenarios), "scenario2", probe_users=())
    assert stairs.steps[0] == Step(1, 1200, 0.0, 12.0, 72.0)
    assert stairs.steps[1] == Step(2, 1300, 72.0, 73.0, 132.0)
    assert stairs.steps[-1] == Step(10, 2100, 552.0, 553.0, 852.0)
    assert stairs.total_seconds == 852.0


def test_scenario2_at_smoke_scale_climbs_12_to_21_users_in_3_second_steps(
    repo_scenarios: str,
) -> None:
    """With time scale 0.05 and users scale 0.01 the stair is 12 -> 21 users, 3 s per step."""
    stairs = capacity.stairs_for(
        load_scenarios(repo_scenarios),
        "scenario2",
        time_scale=0.05,
        users_scale=0.01,
        probe_users=(),
    )
    assert [step.users for step in stairs.steps] == list(range(12, 22))
    assert [step.end_s - step.start_s for step in stairs.steps[1:-1]] == pytest.approx([3.0] * 8)
    assert (stairs.steps[0].end_s, stairs.total_seconds) == (3.6, 42.6)


def test_stage_at_follows_the_scaled_stair(repo_scenarios: str) -> None:
    """stage_at reads the stair: 12 users at the start, 13 after the first step, None at the end."""
    stairs = capacity.stairs_for(
        load_scenarios(repo_scenarios),
        "scenario2",
        time_scale=0.05,
        users_scale=0.01,
        probe_users=(),
    )
    assert [stage_at(stairs, t).users for t in (0.0, 3.59, 3.6, 42.5)] == [12, 12, 13, 21]
    assert stage_at(stairs, 42.6) is None


def test_step_users_override_re_rounds_start_and_end(repo_scenarios: str) -> None:
    """A step of 300 users gives the stair 1,200 -> 1,500 -> 1,800 -> 2,100."""
    stairs = capacity.stairs_for(load_scenarios(repo_scenarios), "scenario2", step_users=300)
    assert [step.users for step in stairs.steps] == [1200, 1500, 1800, 2100]


def test_constant_for_holds_one_case_vusers(repo_scenarios: str) -> None:
    """constant_for is one plateau at the case's VUser: 2,100 for scenario 2 under stress."""
    stairs = capacity.constant_for(load_scenarios(repo_scenarios), "scenario2", "stress", 600)
    assert stairs.steps == (Step(1, 2100, 0.0, 21.0, 621.0),)


def test_a_spawn_rate_too_slow_for_the_step_is_refused(repo_scenarios: str) -> None:
    """Adding 100 users at 1 user/s cannot fit a 60 s step, so stairs_for says so."""
    with pytest.raises(UsageError, match="spawn_rate 1/s is too slow"):
        capacity.stairs_for(load_scenarios(repo_scenarios), "scenario2", spawn_rate=1)


def test_unknown_case_in_constant_for_names_the_known_cases(repo_scenarios: str) -> None:
    """An unknown case name is a UsageError listing the cases, with a did-you-mean."""
    with pytest.raises(UsageError) as raised:
        capacity.constant_for(load_scenarios(repo_scenarios), "scenario2", "stres", 60)
    known = "known: average, stress; did you mean 'stress'?"
    assert str(raised.value) == f"{repo_scenarios}: unknown case 'stres'; {known}"


def test_built_in_scenarios_probe_below_the_knee_before_the_stair(repo_scenarios: str) -> None:
    """Each built-in scenario holds probe steps below its start (1 user first), half a step each."""
    suite = load_scenarios(repo_scenarios)
    for name in ("scenario1", "scenario2", "scenario3"):
        stairs = capacity.stairs_for(suite, name)
        assert stairs.probes[0].users == 1
        assert all(probe.users < stairs.start_users for probe in stairs.probes)
        assert len(stairs.probes) + len(stairs.steps) >= 6  # the USL's MIN_POINTS
        assert {round(p.end_s - p.ramp_end_s, 6) for p in stairs.probes} == {30.0}  # half a step
