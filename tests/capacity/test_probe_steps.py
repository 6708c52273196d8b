"""Probe steps: short plateaus below the planned stair, held before it and kept apart."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import capacity
from capacity.config import load_scenarios
from capacity.stairs import Stairs, build_stairs, stage_at
from stairload.core.errors import ConfigError, UsageError

STAIR = "{step_users: 100, step_seconds: 60, hold_seconds: 300, spawn_rate: 100}"
PROBED = (
    "{step_users: 100, step_seconds: 60, hold_seconds: 300, spawn_rate: 100, "
    "probe_users: [1, 100, 400], probe_seconds: 20}"
)


def _scenario2(small_yaml: Callable[[str, str], str], stairs: str = PROBED) -> Stairs:
    return capacity.stairs_for(load_scenarios(small_yaml(STAIR, stairs)), "scenario2")


def test_probes_come_before_the_planned_stair(small_yaml: Callable[[str, str], str]) -> None:
    """1, 100 and 400 users are held 20 s each, then the stair starts at 1,200 users."""
    stairs = _scenario2(small_yaml)
    assert [(p.users, p.ramp_end_s, p.end_s) for p in stairs.probes] == [
        (1, 0.01, 20.01),
        (100, 21.0, 41.0),
        (400, 44.0, 64.0),
    ]
    assert stairs.steps[0].start_s == 64.0
    assert stairs.steps[0].users == 1200


def test_planned_steps_keep_their_numbers_and_count(small_yaml: Callable[[str, str], str]) -> None:
    """With probes the planned stair still has steps 1..10 from 1,200 to 2,100 users."""
    stairs = _scenario2(small_yaml)
    assert [step.number for step in stairs.steps] == list(range(1, 11))
    assert not any(step.probe for step in stairs.steps)
    assert all(probe.probe for probe in stairs.probes)


def test_stage_at_marks_probe_stages(small_yaml: Callable[[str, str], str]) -> None:
    """During a probe stage_at says probe True and the probe's number; after it, the plan."""
    stairs = _scenario2(small_yaml)
    during, after = stage_at(stairs, 30.0), stage_at(stairs, 70.0)
    assert (during.users, during.probe, during.step, during.step_count) == (100, True, 2, 3)
    assert (after.users, after.probe, after.step) == (1200, False, 1)


def test_probe_seconds_default_to_half_a_step() -> None:
    """Without probe_seconds each probe holds step_seconds / 2 after its ramp."""
    stairs = build_stairs(
        start_users=10, end_users=20, step_users=5, step_seconds=8, hold_seconds=8,
        spawn_rate=5, probe_users=[2],
    )  # fmt: skip
    probe = stairs.probes[0]
    assert probe.end_s - probe.ramp_end_s == 4.0


def test_scaling_drops_probes_that_merge_or_reach_the_start() -> None:
    """At users scale 0.01, probes 1, 100 and 400 become 1 and 4; 1,200 starts at 12."""
    stairs = build_stairs(
        start_users=1200, end_users=2100, step_users=100, step_seconds=60, hold_seconds=60,
        spawn_rate=100, users_scale=0.01, time_scale=0.1, probe_users=[1, 100, 400],
    )  # fmt: skip
    assert [probe.users for probe in stairs.probes] == [1, 4]


def test_a_probe_at_or_above_the_start_is_refused(small_yaml: Callable[[str, str], str]) -> None:
    """A probe of 1,200 users is not below the stair's start: one-line usage error."""
    path = small_yaml(STAIR, STAIR.replace("}", ", probe_users: [100, 1200]}"))
    with pytest.raises(UsageError, match=r"probe_users: must be below the stair's start users"):
        capacity.stairs_for(load_scenarios(path), "scenario2")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("[100, 50]", r"probe_users\[1\]: must be above the one before it \(got 50\)"),
        ("[0]", r"probe_users\[0\]: must be a whole number >= 1 \(got 0\)"),
        ("12", r"probe_users: must be a list of whole numbers \(got 12\)"),
    ],
)
def test_bad_probe_users_name_the_field(
    small_yaml: Callable[[str, str], str], value: str, message: str
) -> None:
    """Falling, zero or non-list probe_users is a config error naming the field and value."""
    path = small_yaml(STAIR, STAIR.replace("}", f", probe_users: {value}}}"))
    with pytest.raises(ConfigError, match=message):
        load_scenarios(path)
