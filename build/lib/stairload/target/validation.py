"""Checks of request bodies and path ids: each failure is an ApiError with a clear sentence.

Every check returns a clean value; handlers and the store never re-check.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date
from typing import Any

from stairload.target.errors import ApiError

MAX_BODY_BYTES = 64 * 1024
MAX_TITLE_CHARS = 200
MAX_TRIP_DAYS = 30
TRIP_STATUSES = ("planned", "ongoing", "done")
_MAX_ID = 2**63 - 1
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_json_object(body: bytes) -> dict[str, Any]:
    """Decode a request body that must be one JSON object."""
    try:
        value = json.loads(body)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        raise ApiError(400, "The body is not valid JSON.") from error
    if not isinstance(value, dict):
        raise ApiError(400, f"The body must be a JSON object (got {type(value).__name__}).")
    return value


def path_id(name: str, raw: str) -> int:
    """Return a positive integer id from a path segment."""
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= _MAX_ID:
        raise ApiError(400, f"{name} must be a positive integer (got {raw[:40]!r}).")
    return int(raw)


def require(body: dict[str, Any], field: str) -> Any:
    """Return a field that must be present."""
    if field not in body:
        raise ApiError(400, f"Missing field {field!r}.")
    return body[field]


def title(value: Any) -> str:
    """Return a non-empty title of at most MAX_TITLE_CHARS characters."""
    if not isinstance(value, str) or not value.strip():
        raise ApiError(400, "title must be a non-empty string.")
    if len(value) > MAX_TITLE_CHARS:
        raise ApiError(400, f"title must be at most {MAX_TITLE_CHARS} characters.")
    return value


def iso_date(field: str, value: Any) -> date:
    """Return a calendar date written YYYY-MM-DD."""
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ApiError(400, f"{field} must be a date YYYY-MM-DD (got {str(value)[:40]!r}).")


def trip_days(start: date, end: date) -> int:
    """Return the number of days of a trip, which must be 1..MAX_TRIP_DAYS."""
    days = (end - start).days + 1
    if not 1 <= days <= MAX_TRIP_DAYS:
        raise ApiError(400, f"end_date must be 0..{MAX_TRIP_DAYS - 1} days after start_date.")
    return days


def status(value: Any) -> str:
    """Return a trip status."""
    if value not in TRIP_STATUSES:
        raise ApiError(400, f"status must be one of {', '.join(TRIP_STATUSES)}.")
    return str(value)


def day(value: Any, days: int) -> int:
    """Return a day number of a trip that has ``days`` days."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= days:
        raise ApiError(400, f"day must be an integer in 1..{days} (got {str(value)[:40]!r}).")
    return value


def coordinate(field: str, value: Any) -> float:
    """Return a latitude in [-90, 90] or a longitude in [-180, 180]."""
    limit = 90 if field == "latitude" else 180
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not -limit <= value <= limit
    ):
        raise ApiError(400, f"{field} must be a number in [-{limit}, {limit}].")
    return float(value)


def only_fields(body: dict[str, Any], allowed: tuple[str, ...]) -> None:
    """Refuse unknown fields and an update that changes nothing."""
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise ApiError(400, f"Unknown field {unknown[0]!r}; allowed: {', '.join(allowed)}.")
    if not body:
        raise ApiError(400, f"Give at least one of {', '.join(allowed)}.")
