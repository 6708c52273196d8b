"""Great-circle distances and the nearest-neighbour order of one day's plans."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance in km between two (latitude, longitude) points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def order_by_nearest(plans: Sequence[dict[str, Any]]) -> tuple[list[dict[str, Any]], float]:
    """Order plans from the lowest id, then always the nearest unvisited one.

    Returns copies of the plans with ``leg_km`` (distance from the previous plan, 0 for
    the first) and the total distance. Ties go to the lower id, so the order is stable.
    """
    remaining = sorted(plans, key=lambda plan: plan["id"])
    if not remaining:
        return [], 0.0
    current = remaining.pop(0)
    ordered = [{**current, "leg_km": 0.0}]
    total_km = 0.0
    while remaining:
        legs = [
            (
                haversine_km(
                    current["latitude"], current["longitude"], p["latitude"], p["longitude"]
                ),
                i,
            )
            for i, p in enumerate(remaining)
        ]
        leg_km, index = min(legs)
        current = remaining.pop(index)
        total_km += leg_km
        ordered.append({**current, "leg_km": round(leg_km, 3)})
    return ordered, round(total_km, 3)
