"""The SQLite database: schema, connection settings and the deterministic seed.

Every connection uses WAL (readers never block the writer), synchronous=NORMAL (safe
with WAL, one fsync per checkpoint rather than per commit), a 5 s busy timeout (writers
from several worker processes wait for each other instead of failing with "database is
locked") and foreign keys (deleting a trip deletes its plans).
"""

from __future__ import annotations

import random
import secrets
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from stairload.core.errors import StairloadError
from stairload.target.auth import hash_password

BUSY_TIMEOUT_MS = 5000
SEED = 20261124

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL
);
CREATE TABLE trips (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    title TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    status TEXT NOT NULL
);
CREATE INDEX trips_by_user ON trips(user_id, id);
CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    trip_id INTEGER NOT NULL REFERENCES trips(id) ON DELETE CASCADE,
    day INTEGER NOT NULL,
    title TEXT NOT NULL,
    latitude REAL NOT NULL,
    longitude REAL NOT NULL
);
CREATE INDEX plans_by_trip_day ON plans(trip_id, day, id);
"""

_CITIES = (  # (name, latitude, longitude): seeded plans scatter around these
    ("Seoul", 37.5665, 126.9780),
    ("Busan", 35.1796, 129.0756),
    ("Jeju", 33.4996, 126.5312),
    ("Tokyo", 35.6762, 139.6503),
    ("Paris", 48.8566, 2.3522),
    ("Lisbon", 38.7223, -9.1393),
    ("New York", 40.7128, -74.0060),
    ("Sydney", -33.8688, 151.2093),
)
_STATUSES = ("planned", "ongoing", "done")


def connect(path: Path) -> sqlite3.Connection:
    """Open a connection with the service's settings (WAL, busy timeout, foreign keys)."""
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def create_database(path: Path, users: int) -> None:
    """Create a fresh database at path (replacing any old one) seeded with users 1..users."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)
        connection = connect(path)
    except (OSError, sqlite3.Error) as error:
        raise StairloadError(f"--db: cannot create a database at {path} ({error})") from error
    try:
        connection.executescript(_SCHEMA)
        connection.execute("BEGIN")
        _seed(connection, users)
        connection.execute("COMMIT")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def read_meta(connection: sqlite3.Connection, key: str) -> str | None:
    """Return a value of the meta table, or None."""
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def write_meta(connection: sqlite3.Connection, key: str, value: str) -> None:
    """Set a value of the meta table."""
    connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


def _seed(connection: sqlite3.Connection, users: int) -> None:
    rng = random.Random(SEED)
    write_meta(connection, "token_secret", secrets.token_hex(32))
    write_meta(connection, "warmed_up", "0")
    connection.executemany(
        "INSERT INTO users (id, username, password_hash) VALUES (?, ?, ?)",
        (
            (i, f"user{i}", hash_password(f"password{i}", rng.randbytes(16)))
            for i in range(1, users + 1)
        ),
    )
    trips: list[tuple[int, int, str, str, str, str]] = []
    plans: list[tuple[int, int, str, float, float]] = []
    for user_id in range(1, users + 1):
        for trip_id, days in _trips_of(rng, user_id, trips):
            plans.extend(_plans_of(rng, trip_id, days))
    connection.executemany("INSERT INTO trips VALUES (?, ?, ?, ?, ?, ?)", trips)
    connection.executemany(
        "INSERT INTO plans (trip_id, day, title, latitude, longitude) VALUES (?, ?, ?, ?, ?)",
        plans,
    )


def _trips_of(
    rng: random.Random, user_id: int, trips: list[tuple[int, int, str, str, str, str]]
) -> Iterator[tuple[int, int]]:
    """Append 2..4 trips of a user to trips and yield (trip id, days) for each."""
    for _ in range(rng.randint(2, 4)):
        trip_id = len(trips) + 1
        city = rng.choice(_CITIES)[0]
        days = rng.randint(2, 5)
        start = date(2026, 1, 1) + timedelta(days=rng.randrange(365))
        end = start + timedelta(days=days - 1)
        status = rng.choice(_STATUSES)
        trips.append((trip_id, user_id, f"{city} trip", start.isoformat(), end.isoformat(), status))
        yield trip_id, days


def _plans_of(
    rng: random.Random, trip_id: int, days: int
) -> Iterator[tuple[int, int, str, float, float]]:
    """Yield 2..4 plans per day around one city, each within ~20 km of its centre."""
    name, latitude, longitude = rng.choice(_CITIES)
    for day in range(1, days + 1):
        for stop in range(1, rng.randint(2, 4) + 1):
            yield (
                trip_id,
                day,
                f"{name} day {day} stop {stop}",
                round(latitude + rng.uniform(-0.2, 0.2), 6),
                round(longitude + rng.uniform(-0.2, 0.2), 6),
            )
