"""A minimal Starlette app for bench_target_servers.py: one JSON route, one SQLite point read."""

import os
import sqlite3

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

_DB = sqlite3.connect(os.environ.get("BENCH_DB", ":memory:"), check_same_thread=False)
_DB.execute("CREATE TABLE IF NOT EXISTS item (id INTEGER PRIMARY KEY, title TEXT, day INTEGER)")
_DB.executemany(
    "INSERT OR IGNORE INTO item VALUES (?, ?, ?)", ((i, f"item {i}", i % 7) for i in range(10_000))
)


async def _ping(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def _row(request: Request) -> JSONResponse:
    row = _DB.execute(
        "SELECT id, title, day FROM item WHERE id = ?", (int(request.path_params["item_id"]),)
    ).fetchone()
    return JSONResponse({"id": row[0], "title": row[1], "day": row[2]})


app = Starlette(routes=[Route("/ping", _ping), Route("/items/{item_id:int}", _row)])
