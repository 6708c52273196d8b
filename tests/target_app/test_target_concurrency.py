"""Hundreds of concurrent writers: no 5xx, no "database is locked", consistent rows."""

from __future__ import annotations

import sqlite3
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from stairload.target.testing import call, launch_target, login

pytestmark = pytest.mark.integration

THREADS = 200
USERS = 50
ROUNDS = 3  # each round: create two plans, update one, delete one


def _count(db_path: Path, where: str = "1") -> int:
    with sqlite3.connect(db_path) as connection:
        return int(connection.execute(f"SELECT COUNT(*) FROM plans WHERE {where}").fetchone()[0])


def _writer(
    base_url: str, worker: int, tokens: dict[int, str], trips: dict[int, int]
) -> Counter[int]:
    """Create, update and delete plans in one user's trip; return the statuses seen."""
    user = worker % USERS + 1
    token, path = tokens[user], f"/trips/{trips[user]}/plans"
    statuses: Counter[int] = Counter()
    for round_number in range(ROUNDS):
        ids = []
        for kept in ("keep", "drop"):
            body = {
                "day": 1,
                "title": f"{kept}-{worker}-{round_number}",
                "latitude": 1.5,
                "longitude": 2.5,
            }
            status, plan = call(base_url, "POST", path, body, token=token)
            statuses[status] += 1
            ids.append(plan["id"] if status == 201 else None)
        if ids[0] is not None:
            statuses[
                call(base_url, "PATCH", f"{path}/{ids[0]}", {"latitude": -1.5}, token=token)[0]
            ] += 1
        if ids[1] is not None:
            statuses[call(base_url, "DELETE", f"{path}/{ids[1]}", token=token)[0]] += 1
    return statuses


@pytest.mark.parametrize("workers", [1, 2])
def test_concurrent_plan_writes_end_consistent(tmp_path: Path, workers: int) -> None:
    """200 threads writing plans get only 2xx, and the rows left are exactly the kept ones."""
    target = launch_target(tmp_path, users=USERS, workers=workers)
    try:
        seeded_plans = _count(target.db_path)
        tokens = {user: login(target.base_url, user) for user in range(1, USERS + 1)}
        trips = {
            user: call(target.base_url, "GET", "/trips", token=token)[1]["trips"][0]["id"]
            for user, token in tokens.items()
        }
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            results = list(
                pool.map(lambda w: _writer(target.base_url, w, tokens, trips), range(THREADS))
            )
    finally:
        exit_code = target.stop()
    statuses = sum(results, Counter())
    assert exit_code == 0 and "locked" not in target.log()
    assert statuses == {201: 2 * THREADS * ROUNDS, 200: THREADS * ROUNDS, 204: THREADS * ROUNDS}
    assert _count(target.db_path) == seeded_plans + THREADS * ROUNDS
    assert _count(target.db_path, "title LIKE 'keep-%' AND latitude = -1.5") == THREADS * ROUNDS
    assert _count(target.db_path, "title LIKE 'drop-%'") == 0
