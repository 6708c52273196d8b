"""Instances at a target CPU: the CPU line, the per-instance TPS, its bounds and the counts."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from capacity.cpu_line import CpuPoint, cpu_cost
from capacity.instances import instances_needed

# 5% idle plus 0.05% of a core per TPS: 0.5 ms of CPU per request.
LINE = [CpuPoint(tps, 5.0 + 0.05 * tps) for tps in (100.0, 400.0, 800.0, 1200.0)]
CASES = [("average", 2400.0, 21.412), ("stress", 4200.0, 38.542)]


def test_cpu_seconds_per_request_is_the_slope_over_100() -> None:
    """A line 5% + 0.05% per TPS costs 0.0005 CPU-seconds per request, R^2 1."""
    cost = cpu_cost(LINE)
    assert cost.cpu_seconds_per_request == pytest.approx(0.0005)
    assert cost.idle_cpu_percent == pytest.approx(5.0)
    assert cost.r2 == pytest.approx(1.0)


def test_per_instance_tps_is_where_the_line_meets_the_target_cpu() -> None:
    """(70% - 5%) / 0.05% per TPS = 1,300 TPS on one core."""
    assert instances_needed(LINE, CASES).per_instance_tps == pytest.approx(1300.0)


def test_cores_multiply_the_cpu_budget() -> None:
    """Two cores at 70% hold (140% - 5%) / 0.05% = 2,700 TPS."""
    assert instances_needed(LINE, CASES, cores=2).per_instance_tps == pytest.approx(2700.0)


def test_stress_needs_ceil_of_target_tps_over_per_instance_tps() -> None:
    """Scenario 2 stress: ceil(4,200 / 1,300) = 4 instances, and 1 for its 38.5 peak RPS."""
    stress = instances_needed(LINE, CASES).case("stress")
    assert stress is not None
    assert (stress.instances, stress.instances_for_peak_rps) == (4, 1)
    assert stress.derivation == "ceil(4,200.0 TPS / 1,300.0 TPS per instance) = 4"


def test_a_trusted_usl_ceiling_below_the_cpu_limit_binds() -> None:
    """With a USL ceiling of 1,000 TPS, one instance holds 1,000 TPS, not 1,300."""
    result = instances_needed(LINE, CASES, usl_peak_tps=1000.0, usl_tps_at_target=1100.0)
    assert result.per_instance_tps == 1000.0
    assert result.binding_limit is not None and result.binding_limit.name == "usl_peak"
    assert result.case("average").instances == 3  # type: ignore[union-attr]


def test_the_500_ms_point_binds_when_lowest() -> None:
    """The USL's TPS at 500 ms binds when it is the smallest limit."""
    result = instances_needed(LINE, CASES, usl_peak_tps=1250.0, usl_tps_at_target=900.0)
    assert result.binding_limit is not None and result.binding_limit.name == "mtt_target"


@pytest.mark.parametrize(
    ("points", "reason"),
    [
        ([], "0 plateau(s) with CPU data (need 2)"),
        ([CpuPoint(100.0, 10.0)], "1 plateau(s) with CPU data (need 2)"),
        ([CpuPoint(100.0, 10.0), CpuPoint(100.0, 12.0)], "TPS is the same at every plateau"),
        ([CpuPoint(100.0, 50.0), CpuPoint(200.0, 40.0)], "CPU does not grow with TPS"),
        (
            [CpuPoint(100.0, 80.0), CpuPoint(200.0, 90.0)],
            "CPU was at or above 70% x 1 core(s) at every plateau (at the lowest TPS, 100.0",
        ),
    ],
    ids=["none", "one", "flat tps", "falling cpu", "all over target"],
)
def test_unusable_cpu_data_gives_no_count_and_a_reason(points: list[CpuPoint], reason: str) -> None:
    """Too few points, flat TPS, CPU not growing or idle over target: no cases, a reason."""
    result = instances_needed(points, CASES)
    assert result.cases == ()
    assert result.reason.startswith(reason)


def test_instances_serialize_to_the_summary_fields() -> None:
    """to_dict() has target_cpu_percent, cpu_seconds_per_request, per_instance_tps and cases."""
    content = instances_needed(LINE, CASES).to_dict()
    assert {"target_cpu_percent", "cpu_seconds_per_request", "per_instance_tps"} <= set(content)
    assert content["stress"]["instances"] == 4
    assert content["average"]["instances"] == 2


@given(
    st.floats(0.01, 10.0),
    st.floats(0.0, 30.0),
    st.floats(40.0, 95.0),
    st.floats(1.0, 100_000.0),
)
def test_count_is_the_fewest_instances_that_hold_the_required_tps(
    slope: float, idle: float, target: float, required: float
) -> None:
    """n instances hold the required TPS and n - 1 do not (n >= 1)."""
    points = [CpuPoint(tps, idle + slope * tps) for tps in (1.0, 2.0, 3.0)]
    result = instances_needed(points, [("x", required, 1.0)], target_cpu_percent=target)
    per_instance = result.per_instance_tps
    count = result.cases[0].instances
    assert per_instance is not None
    assert count * per_instance >= required * (1 - 1e-9)
    assert count == 1 or (count - 1) * per_instance < required
    assert math.isclose(per_instance, (target - idle) / slope, rel_tol=1e-6)


def test_a_scattered_cpu_line_gives_no_count() -> None:
    """CPU that does not follow TPS (R^2 below 0.9) is not extrapolated: no count, a reason."""
    scattered = [CpuPoint(100.0, 20.0), CpuPoint(400.0, 12.0), CpuPoint(800.0, 25.0),
                 CpuPoint(1200.0, 18.0), CpuPoint(1600.0, 30.0)]  # fmt: skip
    result = instances_needed(scattered, CASES)
    assert result.cases == ()
    assert result.reason.startswith("the CPU line's R^2 ")


def test_plateaus_held_at_a_cpu_budget_leave_the_line() -> None:
    """Under a 0.5-core budget, points at 47.5% or more are counted apart, not fitted."""
    budget_line = [CpuPoint(tps, 5.0 + 0.02 * tps) for tps in (100.0, 500.0, 1000.0, 1500.0)]
    held = [CpuPoint(2100.0, 49.9), CpuPoint(2800.0, 50.0)]
    with_budget = cpu_cost([*budget_line, *held], ceiling_percent=50.0)
    assert (with_budget.points, with_budget.at_ceiling) == (4, 2)
    assert with_budget.r2 == pytest.approx(1.0)
    assert with_budget.cpu_seconds_per_request == pytest.approx(0.0002)
    without = cpu_cost([*budget_line, *held])
    assert (without.points, without.at_ceiling) == (6, 0)
    assert without.r2 is not None and without.r2 < 0.99


def test_a_budget_with_all_plateaus_at_its_ceiling_says_so() -> None:
    """Every plateau at the ceiling of a 0.5-core budget: above 35% everywhere, no count."""
    result = instances_needed(
        [CpuPoint(2100.0, 49.9), CpuPoint(2800.0, 50.0)], CASES, cores=0.5, budget_cores=0.5
    )
    assert result.cases == ()
    assert result.reason.startswith(
        "CPU was at or above 70% x 0.5 core(s) at every plateau (at the lowest TPS, 2,100.0: 49.9%)"
    )
    assert result.to_dict()["cpu_points_at_ceiling"] == 2
    assert result.to_dict()["cpu_budget_cores"] == 0.5


def test_a_target_cpu_inside_the_measured_range_is_interpolated_not_extrapolated() -> None:
    """CPU 30% at 200 TPS and 80% at 300, growing monotonically: 70% is read at 280 TPS."""
    points = [CpuPoint(100.0, 10.0), CpuPoint(200.0, 30.0), CpuPoint(300.0, 80.0),
              CpuPoint(400.0, 81.0), CpuPoint(500.0, 82.0)]  # fmt: skip
    result = instances_needed(points, CASES)
    assert result.cost.r2 is not None and result.cost.r2 < 0.9
    assert result.per_instance_tps == pytest.approx(280.0)
    assert result.binding_limit is not None
    assert result.binding_limit.derivation == (
        "measured CPU reaches 70% x 1 core(s) between 200.0 TPS (30.0%) and 300.0 TPS "
        "(80.0%): 280.0 TPS, interpolated"
    )
    assert result.case("stress").instances == 15  # type: ignore[union-attr]


def test_a_cpu_series_that_is_not_monotone_gives_no_count_when_its_line_fails_too() -> None:
    """Issue 21: CPU falls from 80% to 75% as TPS grows and R^2 < 0.9: noise, so no count.

    This data used to give 280 TPS by interpolation "whatever the line's R^2"; the
    interpolation now needs CPU to grow with TPS, else the line's own R^2 rule decides.
    """
    points = [CpuPoint(100.0, 10.0), CpuPoint(200.0, 30.0), CpuPoint(300.0, 80.0),
              CpuPoint(400.0, 75.0), CpuPoint(500.0, 60.0)]  # fmt: skip
    result = instances_needed(points, CASES)
    assert result.cases == ()
    assert result.reason.startswith(
        "CPU is not monotone in TPS (300.0 TPS at 80.0% but 400.0 TPS at 75.0%), so the "
        "target CPU cannot be interpolated between two plateaus, and the CPU line's R^2 "
    )
    assert "quieter machine" in result.reason and "--target-cpus" in result.reason


def test_a_cpu_series_that_is_not_monotone_uses_its_line_when_the_line_passes() -> None:
    """A small dip in an otherwise straight CPU line: the line (R^2 >= 0.9) gives the count."""
    points = [CpuPoint(100.0, 10.0), CpuPoint(200.0, 20.0), CpuPoint(300.0, 30.5),
              CpuPoint(400.0, 30.0), CpuPoint(500.0, 50.0), CpuPoint(800.0, 80.0)]  # fmt: skip
    result = instances_needed(points, CASES)
    assert result.cost.r2 is not None and result.cost.r2 >= 0.9
    assert result.cases != ()
    assert result.binding_limit is not None
    assert "interpolated" not in result.binding_limit.derivation
