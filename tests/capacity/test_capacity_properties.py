"""Properties of the formulas and of stage_at, checked by hypothesis."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from capacity.formulas import VUSER_TOLERANCE, round_up_to_step
from capacity.plan import Inputs, PlanRow, ScenarioLoad, plan_scenario
from capacity.stairs import Stairs, build_stairs, stage_at

dau_values = st.floats(min_value=1, max_value=1e8)
factors = st.floats(min_value=0.1, max_value=10)
requests = st.floats(min_value=0.1, max_value=1000)
journey_seconds = st.floats(min_value=0.1, max_value=100_000)
step_sizes = st.integers(min_value=1, max_value=500)


def _plan(dau: float, factor: float, r: float, t: float, step_users: int) -> PlanRow:
    inputs = Inputs(dau, factor, 2.0, 500.0, 86_400.0)
    return plan_scenario(inputs, ScenarioLoad("s", r, t, step_users))


@given(dau_values, st.floats(min_value=1.001, max_value=10), factors, requests, journey_seconds)
def test_rps_grows_with_dau(dau: float, growth: float, factor: float, r: float, t: float) -> None:
    """More daily users always means more average and peak requests per second."""
    before, after = _plan(dau, factor, r, t, 1), _plan(dau * growth, factor, r, t, 1)
    assert after.avg_rps > before.avg_rps
    assert after.peak_rps > before.peak_rps


@given(dau_values, factors, requests, journey_seconds, step_sizes)
def test_vusers_is_never_below_the_exact_value(
    dau: float, factor: float, r: float, t: float, step_users: int
) -> None:
    """Rounded VUser is at least the exact VUser, give or take a millionth of a user."""
    row = _plan(dau, factor, r, t, step_users)
    assert row.vusers >= row.vusers_exact - VUSER_TOLERANCE


@given(dau_values, factors, requests, journey_seconds, step_sizes)
def test_vusers_lands_on_the_smallest_whole_step(
    dau: float, factor: float, r: float, t: float, step_users: int
) -> None:
    """Rounded VUser is a whole multiple of the step, less than one step above the exact value."""
    row = _plan(dau, factor, r, t, step_users)
    assert row.vusers % step_users == 0
    assert row.vusers - row.vusers_exact < step_users


@given(st.floats(min_value=0, max_value=1e7), step_sizes)
def test_round_up_to_step_keeps_whole_steps(value: float, step_users: int) -> None:
    """A value already on a whole step (up to float noise) stays on that step."""
    on_step = math.floor(value / step_users) * step_users
    assert round_up_to_step(on_step * (1 + 1e-15), step_users) == on_step


@given(dau_values, factors, requests, journey_seconds)
def test_littles_law_links_vusers_and_peak_rps(
    dau: float, factor: float, r: float, t: float
) -> None:
    """Journeys in flight x requests per journey / journey time gives back the peak RPS."""
    row = _plan(dau, factor, r, t, 1)
    assert math.isclose(row.vusers_exact * r / t, row.peak_rps, rel_tol=1e-9)


@st.composite
def stairs_shapes(draw: st.DrawFn) -> Stairs:
    start = draw(st.integers(min_value=1, max_value=5000))
    step_users = draw(step_sizes)
    end = start + step_users * draw(st.integers(min_value=0, max_value=30))
    return build_stairs(
        start_users=start,
        end_users=end,
        step_users=step_users,
        step_seconds=draw(st.floats(min_value=1, max_value=600)),
        hold_seconds=draw(st.floats(min_value=1, max_value=600)),
        spawn_rate=draw(st.floats(min_value=1, max_value=1000)),
        time_scale=draw(st.sampled_from([1.0, 0.05])),
        users_scale=draw(st.sampled_from([1.0, 0.01])),
    )


@given(stairs_shapes(), st.lists(st.floats(min_value=0, max_value=1), min_size=2))
def test_stage_users_never_decrease_over_time(stairs: Stairs, fractions: list[float]) -> None:
    """Later moments of a stair never ask for fewer users than earlier ones."""
    times = sorted(fraction * stairs.total_seconds for fraction in fractions)
    stages = [stage_at(stairs, elapsed) for elapsed in times]
    users = [stage.users for stage in stages if stage is not None]
    assert users == sorted(users)


@given(stairs_shapes())
def test_stage_at_ends_at_total_seconds(stairs: Stairs) -> None:
    """The shape runs until total_seconds and returns None from then on."""
    assert stage_at(stairs, math.nextafter(stairs.total_seconds, 0)) is not None
    assert stage_at(stairs, stairs.total_seconds) is None
    assert stage_at(stairs, stairs.total_seconds + 1) is None


@given(stairs_shapes(), st.floats(min_value=0, max_value=1))
def test_every_stage_is_a_step_of_the_stair(stairs: Stairs, fraction: float) -> None:
    """Whatever the moment, the users asked for are one step's users."""
    stage = stage_at(stairs, fraction * stairs.total_seconds)
    assert stage is None or stage.users in {step.users for step in stairs.steps}
