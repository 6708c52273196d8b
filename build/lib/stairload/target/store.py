"""Trips and plans of one user, read and written in SQLite.

Every function takes the owner's user id: another user's trip or plan is "not found".
Callers run each write, with the reads it depends on, inside ``write_transaction``: one
short transaction; BEGIN IMMEDIATE takes the write lock up front, so two worker processes
never deadlock upgrading a read lock, and a check (a plan's day within the trip) cannot go
stale before the write lands.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from stairload.target.errors import ApiError

_TRIP_COLUMNS = "id, title, start_date, end_date, status"
_PLAN_COLUMNS = "id, trip_id, day, title, latitude, longitude"


@contextmanager
def write_transaction(connection: sqlite3.Connection) -> Iterator[None]:
    """Run the block in one immediate transaction: commit on success, roll back on error."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _trip(row: tuple[Any, ...]) -> dict[str, Any]:
    trip_id, title, start_date, end_date, status = row
    days = (date.fromisoformat(end_date) - date.fromisoformat(start_date)).days + 1
    return {
        "id": trip_id,
        "title": title,
        "start_date": start_date,
        "end_date": end_date,
        "status": status,
        "days": days,
    }


def _plan(row: tuple[Any, ...]) -> dict[str, Any]:
    plan_id, trip_id, day, title, latitude, longitude = row
    return {
        "id": plan_id,
        "trip_id": trip_id,
        "day": day,
        "title": title,
        "latitude": latitude,
        "longitude": longitude,
    }


def find_user(connection: sqlite3.Connection, username: str) -> tuple[int, str] | None:
    """Return (user id, password hash) of a username, or None."""
    row = connection.execute(
        "SELECT id, password_hash FROM users WHERE username = ?", (username,)
    ).fetchone()
    return None if row is None else (int(row[0]), str(row[1]))


def list_trips(connection: sqlite3.Connection, user_id: int) -> list[dict[str, Any]]:
    """Return the user's trips, oldest first."""
    rows = connection.execute(
        f"SELECT {_TRIP_COLUMNS} FROM trips WHERE user_id = ? ORDER BY id", (user_id,)
    ).fetchall()
    return [_trip(row) for row in rows]


def get_trip(connection: sqlite3.Connection, user_id: int, trip_id: int) -> dict[str, Any]:
    """Return one of the user's trips, or raise a 404 ApiError."""
    row = connection.execute(
        f"SELECT {_TRIP_COLUMNS} FROM trips WHERE id = ? AND user_id = ?", (trip_id, user_id)
    ).fetchone()
    if row is None:
        raise ApiError(404, f"No trip {trip_id}.")
    return _trip(row)


def create_trip(
    connection: sqlite3.Connection, user_id: int, title: str, start: date, end: date, status: str
) -> dict[str, Any]:
    """Insert a trip for the user and return it."""
    cursor = connection.execute(
        "INSERT INTO trips (user_id, title, start_date, end_date, status) VALUES (?, ?, ?, ?, ?)",
        (user_id, title, start.isoformat(), end.isoformat(), status),
    )
    trip_id = cursor.lastrowid
    assert trip_id is not None
    return _trip((trip_id, title, start.isoformat(), end.isoformat(), status))


def update_trip(
    connection: sqlite3.Connection, user_id: int, trip_id: int, changes: dict[str, str]
) -> dict[str, Any]:
    """Apply validated column changes to one of the user's trips and return it."""
    assignments = ", ".join(f"{column} = ?" for column in changes)
    cursor = connection.execute(
        f"UPDATE trips SET {assignments} WHERE id = ? AND user_id = ?",
        (*changes.values(), trip_id, user_id),
    )
    if cursor.rowcount == 0:
        raise ApiError(404, f"No trip {trip_id}.")
    return get_trip(connection, user_id, trip_id)


def last_plan_day(connection: sqlite3.Connection, trip_id: int) -> int:
    """Return the highest day that has a plan in a trip (0 if none)."""
    row = connection.execute("SELECT MAX(day) FROM plans WHERE trip_id = ?", (trip_id,)).fetchone()
    return int(row[0] or 0)


def delete_trip(connection: sqlite3.Connection, user_id: int, trip_id: int) -> None:
    """Delete one of the user's trips and its plans, or raise a 404 ApiError."""
    cursor = connection.execute(
        "DELETE FROM trips WHERE id = ? AND user_id = ?", (trip_id, user_id)
    )
    if cursor.rowcount == 0:
        raise ApiError(404, f"No trip {trip_id}.")


def list_plans(connection: sqlite3.Connection, trip_id: int) -> list[dict[str, Any]]:
    """Return the plans of a trip (already checked to be the user's), by day then id."""
    rows = connection.execute(
        f"SELECT {_PLAN_COLUMNS} FROM plans WHERE trip_id = ? ORDER BY day, id", (trip_id,)
    ).fetchall()
    return [_plan(row) for row in rows]


def day_plans(connection: sqlite3.Connection, trip_id: int, day: int) -> list[dict[str, Any]]:
    """Return the plans of one day of a trip, by id."""
    rows = connection.execute(
        f"SELECT {_PLAN_COLUMNS} FROM plans WHERE trip_id = ? AND day = ? ORDER BY id",
        (trip_id, day),
    ).fetchall()
    return [_plan(row) for row in rows]


def create_plan(
    connection: sqlite3.Connection, trip_id: int, fields: dict[str, Any]
) -> dict[str, Any]:
    """Insert a plan (validated fields day, title, latitude, longitude) and return it."""
    cursor = connection.execute(
        "INSERT INTO plans (trip_id, day, title, latitude, longitude) VALUES (?, ?, ?, ?, ?)",
        (trip_id, fields["day"], fields["title"], fields["latitude"], fields["longitude"]),
    )
    plan_id = cursor.lastrowid
    assert plan_id is not None
    return {"id": plan_id, "trip_id": trip_id, **fields}


def get_plan(connection: sqlite3.Connection, trip_id: int, plan_id: int) -> dict[str, Any]:
    """Return one plan of a trip, or raise a 404 ApiError."""
    row = connection.execute(
        f"SELECT {_PLAN_COLUMNS} FROM plans WHERE id = ? AND trip_id = ?", (plan_id, trip_id)
    ).fetchone()
    if row is None:
        raise ApiError(404, f"No plan {plan_id} in trip {trip_id}.")
    return _plan(row)


def update_plan(
    connection: sqlite3.Connection, trip_id: int, plan_id: int, changes: dict[str, Any]
) -> dict[str, Any]:
    """Apply validated column changes to one plan of a trip and return it."""
    assignments = ", ".join(f"{column} = ?" for column in changes)
    cursor = connection.execute(
        f"UPDATE plans SET {assignments} WHERE id = ? AND trip_id = ?",
        (*changes.values(), plan_id, trip_id),
    )
    if cursor.rowcount == 0:
        raise ApiError(404, f"No plan {plan_id} in trip {trip_id}.")
    return get_plan(connection, trip_id, plan_id)


def delete_plan(connection: sqlite3.Connection, trip_id: int, plan_id: int) -> None:
    """Delete one plan of a trip, or raise a 404 ApiError."""
    cursor = connection.execute(
        "DELETE FROM plans WHERE id = ? AND trip_id = ?", (plan_id, trip_id)
    )
    if cursor.rowcount == 0:
        raise ApiError(404, f"No plan {plan_id} in trip {trip_id}.")
