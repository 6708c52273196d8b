"""Great-circle distances and the nearest-neighbour order of a day's plans."""

from __future__ import annotations

import pytest

from stairload.target.geo import haversine_km, order_by_nearest


def _plan(plan_id: int, latitude: float, longitude: float) -> dict[str, float | int]:
    return {"id": plan_id, "latitude": latitude, "longitude": longitude}


def test_haversine_matches_a_known_city_distance() -> None:
    """Seoul to Busan is about 325 km along the great circle."""
    assert haversine_km(37.5665, 126.9780, 35.1796, 129.0756) == pytest.approx(325, abs=2)


def test_haversine_of_antipodes_is_half_the_circumference() -> None:
    """Two antipodal points are pi times the Earth radius apart."""
    assert haversine_km(0, 0, 0, 180) == pytest.approx(20015.1, abs=0.5)


def test_order_starts_at_lowest_id_then_takes_the_nearest() -> None:
    """The walk starts at the lowest id and always moves to the nearest unvisited plan."""
    plans = [_plan(3, 0, 3), _plan(1, 0, 0), _plan(2, 0, 10), _plan(4, 0, 1)]
    ordered, total_km = order_by_nearest(plans)
    assert [plan["id"] for plan in ordered] == [1, 4, 3, 2]
    assert ordered[0]["leg_km"] == 0
    assert total_km == pytest.approx(sum(plan["leg_km"] for plan in ordered), abs=0.01)
    assert total_km == pytest.approx(haversine_km(0, 0, 0, 10), abs=0.01)


def test_order_of_no_plans_is_empty() -> None:
    """A day without plans has an empty walk of 0 km."""
    assert order_by_nearest([]) == ([], 0.0)
