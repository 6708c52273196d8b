"""The stair (step-load) timeline (docs/running.md), and ``stage_at``, a pure function of time.

Timeline: ramp from 0 to ``start_users``, hold one step, then add ``step_users`` every
``step_seconds`` until ``end_users``, hold ``hold_seconds``, stop. Each step's ramp is
part of its ``step_seconds`` (nGrinder's "+100 users every minute"), except the first
step, whose ramp from zero comes before its full step.

Optional probe steps (``probe_users``, each below ``start_users``) come first: ramp to
each probe's users, hold it ``probe_seconds``, then the planned stair as above (its first
ramp starting from the last probe). Probes are kept apart in ``Stairs.probes`` so the
planned ``Stairs.steps`` and their numbering stay what the plan says; they exist only to
measure the curve below the plan (for the capacity model), never for the verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """A plateau: ``users`` from ``start_s`` (ramp over at ``ramp_end_s``) to ``end_s``."""

    number: int
    users: int
    start_s: float
    ramp_end_s: float
    end_s: float
    probe: bool = False


@dataclass(frozen=True)
class Stairs:
    """A whole load shape as data: the steps in order and the spawn rate between them.

    ``probes`` are the probe steps held before ``steps`` (empty without probes).
    """

    steps: tuple[Step, ...]
    spawn_rate: float
    step_users: int
    step_seconds: float
    hold_seconds: float
    probes: tuple[Step, ...] = ()

    @property
    def total_seconds(self) -> float:
        """When the shape ends: the end of its last step."""
        return self.steps[-1].end_s

    @property
    def start_users(self) -> int:
        """Users on the first plateau."""
        return self.steps[0].users

    @property
    def end_users(self) -> int:
        """Users on the last plateau."""
        return self.steps[-1].users


@dataclass(frozen=True)
class Stage:
    """What the load shape asks for at one moment: a user count and how fast to reach it."""

    users: int
    spawn_rate: float
    step: int
    step_count: int
    probe: bool = False


def scale_users(users: int, users_scale: float) -> int:
    """A user count shrunk for smoke runs: rounded, never below one user."""
    return max(1, round(users * users_scale))


def build_stairs(
    *,
    start_users: int,
    end_users: int,
    step_users: int,
    step_seconds: float,
    hold_seconds: float,
    spawn_rate: float,
    time_scale: float = 1.0,
    users_scale: float = 1.0,
    probe_users: Sequence[int] = (),
    probe_seconds: float | None = None,
) -> Stairs:
    """The stair from ``start_users`` to ``end_users``, scaled in time and users.

    Durations are multiplied by ``time_scale``; user counts by ``users_scale`` (rounded,
    at least 1); the spawn rate by ``users_scale / time_scale`` so every ramp keeps its
    share of the step. The last step is clipped to ``end_users``. ``probe_users`` below
    ``start_users`` are held ``probe_seconds`` each (default half a step) before the
    stair; probes that scaling merges or lifts to the start are dropped.
    """
    start = scale_users(start_users, users_scale)
    end = max(start, scale_users(end_users, users_scale))
    increment = scale_users(step_users, users_scale)
    rate = spawn_rate * users_scale / time_scale
    plateau = step_seconds * time_scale
    hold = hold_seconds * time_scale

    user_counts = [start]
    while user_counts[-1] < end:
        user_counts.append(min(end, user_counts[-1] + increment))

    probe_hold = (step_seconds / 2 if probe_seconds is None else probe_seconds) * time_scale
    probes: list[Step] = []
    clock = 0.0
    previous = 0
    for users in sorted({scale_users(users, users_scale) for users in probe_users}):
        if users >= start:
            break
        ramp = (users - previous) / rate
        probes.append(
            Step(
                len(probes) + 1,
                users,
                _tidy(clock),
                _tidy(clock + ramp),
                _tidy(clock + ramp + probe_hold),
                probe=True,
            )
        )
        clock += ramp + probe_hold
        previous = users

    steps: list[Step] = []
    for index, users in enumerate(user_counts):
        ramp = (users - previous) / rate
        is_first, is_last = index == 0, index == len(user_counts) - 1
        length = hold if is_last else plateau
        if is_first:
            length += ramp
        steps.append(
            Step(index + 1, users, _tidy(clock), _tidy(clock + ramp), _tidy(clock + length))
        )
        clock += length
        previous = users
    return Stairs(tuple(steps), rate, increment, plateau, hold, tuple(probes))


def constant_load(
    *,
    users: int,
    duration_seconds: float,
    spawn_rate: float,
    time_scale: float = 1.0,
    users_scale: float = 1.0,
) -> Stairs:
    """A single plateau: ramp to ``users`` and hold for ``duration_seconds``."""
    return build_stairs(
        start_users=users,
        end_users=users,
        step_users=users,
        step_seconds=duration_seconds,
        hold_seconds=duration_seconds,
        spawn_rate=spawn_rate,
        time_scale=time_scale,
        users_scale=users_scale,
    )


def stage_at(stairs: Stairs, elapsed_seconds: float) -> Stage | None:
    """The target users and spawn rate at ``elapsed_seconds``, or None once the shape is over."""
    if elapsed_seconds >= stairs.total_seconds:
        return None
    for probe in stairs.probes:
        if elapsed_seconds < probe.end_s:
            return Stage(probe.users, stairs.spawn_rate, probe.number, len(stairs.probes), True)
    count = len(stairs.steps)
    for step in stairs.steps:
        if elapsed_seconds < step.end_s:
            return Stage(step.users, stairs.spawn_rate, step.number, count)
    return None  # unreachable: the last step ends at total_seconds


def _tidy(seconds: float) -> float:
    """Times to the microsecond, so 0.05 x 13 reads 0.65 and not 0.6499999999999995."""
    return round(seconds, 6)
