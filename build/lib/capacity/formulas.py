"""The capacity formulas (docs/capacity.md): numbers in, numbers out, nothing else."""

from __future__ import annotations

import math

# VUser rounding ignores float noise below a millionth of a user, so 1200.0000000002
# (a float artefact of 1,200 exactly) stays 1,200 instead of jumping a whole step.
# The result is never more than VUSER_TOLERANCE below the exact value.
_VUSER_DECIMALS = 6
VUSER_TOLERANCE = 10.0**-_VUSER_DECIMALS


def daily_requests(dau: float, requests_per_user_per_day: float) -> float:
    """Requests per day in one journey: every user makes the journey once a day."""
    return dau * requests_per_user_per_day


def avg_rps(daily_requests_count: float, seconds_per_day: float) -> float:
    """Requests per second spread evenly over the day."""
    return daily_requests_count / seconds_per_day


def peak_rps(average_rps: float, peak_rate: float, safety_factor: float) -> float:
    """Requests per second at the busiest moment, with the safety margin on top."""
    return average_rps * peak_rate * safety_factor


def vusers_exact(
    peak_requests_per_second: float, journey_seconds: float, requests_per_user_per_day: float
) -> float:
    """Journeys in flight at the peak (Little's law: arrival rate x time in system).

    Journeys arrive at peak_rps / R per second and each takes T seconds.
    """
    journeys_per_second = peak_requests_per_second / requests_per_user_per_day
    return journeys_per_second * journey_seconds


def round_up_to_step(value: float, step_users: int) -> int:
    """The smallest whole multiple of ``step_users`` that is not below ``value``."""
    # Round in users (not in steps): a millionth of a step of 100 would be 0.0001 users.
    steps = math.ceil(round(value, _VUSER_DECIMALS) / step_users)
    return max(steps, 0) * step_users


def target_tps(vusers: float, response_time_ms: float) -> float:
    """Closed model: every VUser sends back-to-back requests answered in the target time."""
    return vusers / (response_time_ms / 1000.0)
