"""The ASGI application: routes of docs/target-api.md on one SQLite connection per worker.

Handlers are async and call SQLite directly on the event loop: each query is a few
microseconds on an indexed table, cheaper than a hop to a thread pool, and it makes one
worker a single writer (a transaction never spans an ``await``). Several worker processes
share the file through WAL and the busy timeout.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from stairload.target import auth, db, store
from stairload.target import validation as check
from stairload.target.errors import ApiError
from stairload.target.geo import order_by_nearest
from stairload.target.metrics import Metrics, MetricsMiddleware
from stairload.target.web import (
    api_error_page,
    busy_database_page,
    http_error_page,
    json_response,
    read_json_object,
)

Endpoint = Callable[[Request], Awaitable[Response]]
_TRIP_FIELDS = ("title", "start_date", "end_date", "status")
_PLAN_FIELDS = ("day", "title", "latitude", "longitude")


@dataclass
class _Service:
    """What the handlers share inside one worker process."""

    db_path: Path
    require_warmup: bool
    metrics: Metrics = field(default_factory=Metrics)
    connection: sqlite3.Connection | None = None
    secret: bytes = b""
    warmed_up: bool = False

    @property
    def db(self) -> sqlite3.Connection:
        assert self.connection is not None, "the lifespan opens the database"
        return self.connection


def _service(request: Request) -> _Service:
    service: _Service = request.app.state.service
    return service


def _user_id(request: Request) -> int:
    """Return the id of the user whose bearer token the request carries, or answer 401."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    user_id = None
    if scheme.lower() == "bearer" and token:
        user_id = auth.user_id_from_token(_service(request).secret, token.strip())
    if user_id is None:
        raise ApiError(401, "A valid 'Authorization: Bearer <token>' header is required.")
    return user_id


def _trip_id(request: Request) -> int:
    return check.path_id("trip_id", request.path_params["trip_id"])


def _plan_id(request: Request) -> int:
    return check.path_id("plan_id", request.path_params["plan_id"])


async def _health(request: Request) -> Response:
    service = _service(request)
    if service.require_warmup and not service.warmed_up:
        service.warmed_up = db.read_meta(service.db, "warmed_up") == "1"
        if not service.warmed_up:
            return json_response({"status": "warming_up"}, 503)
    return json_response({"status": "ok"})


async def _warmup_complete(request: Request) -> Response:
    service = _service(request)
    with store.write_transaction(service.db):
        db.write_meta(service.db, "warmed_up", "1")
    service.warmed_up = True
    return json_response({"status": "ok"})


async def _metrics(request: Request) -> Response:
    return json_response(_service(request).metrics.snapshot())


async def _login(request: Request) -> Response:
    body = await read_json_object(request)
    username, password = check.require(body, "username"), check.require(body, "password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise ApiError(400, "username and password must be strings.")
    service = _service(request)
    user = store.find_user(service.db, username)
    if user is None or not auth.check_password(password, user[1]):
        raise ApiError(401, "Wrong username or password.")
    return json_response({"token": auth.issue_token(service.secret, user[0]), "user_id": user[0]})


async def _list_trips(request: Request) -> Response:
    trips = store.list_trips(_service(request).db, _user_id(request))
    return json_response({"trips": trips})


async def _get_trip(request: Request) -> Response:
    user_id, trip_id = _user_id(request), _trip_id(request)
    return json_response(store.get_trip(_service(request).db, user_id, trip_id))


async def _create_trip(request: Request) -> Response:
    user_id = _user_id(request)
    body = await read_json_object(request)
    title = check.title(check.require(body, "title"))
    start = check.iso_date("start_date", check.require(body, "start_date"))
    end = check.iso_date("end_date", check.require(body, "end_date"))
    check.trip_days(start, end)
    status = check.status(body.get("status", "planned"))
    connection = _service(request).db
    with store.write_transaction(connection):
        trip = store.create_trip(connection, user_id, title, start, end, status)
    return json_response(trip, 201)


async def _update_trip(request: Request) -> Response:
    user_id, trip_id = _user_id(request), _trip_id(request)
    body = await read_json_object(request)
    check.only_fields(body, _TRIP_FIELDS)
    changes: dict[str, str] = {}
    if "title" in body:
        changes["title"] = check.title(body["title"])
    if "status" in body:
        changes["status"] = check.status(body["status"])
    connection = _service(request).db
    with store.write_transaction(connection):
        trip = store.get_trip(connection, user_id, trip_id)
        if "start_date" in body or "end_date" in body:
            start = check.iso_date("start_date", body.get("start_date", trip["start_date"]))
            end = check.iso_date("end_date", body.get("end_date", trip["end_date"]))
            days = check.trip_days(start, end)
            last_day = store.last_plan_day(connection, trip_id)
            if last_day > days:
                raise ApiError(409, f"Trip {trip_id} has plans on day {last_day} > {days} days.")
            changes.update(start_date=start.isoformat(), end_date=end.isoformat())
        trip = store.update_trip(connection, user_id, trip_id, changes)
    return json_response(trip)


async def _delete_trip(request: Request) -> Response:
    user_id, trip_id = _user_id(request), _trip_id(request)
    connection = _service(request).db
    with store.write_transaction(connection):
        store.delete_trip(connection, user_id, trip_id)
    return Response(status_code=204)


async def _list_plans(request: Request) -> Response:
    user_id, trip_id = _user_id(request), _trip_id(request)
    connection = _service(request).db
    store.get_trip(connection, user_id, trip_id)
    return json_response({"plans": store.list_plans(connection, trip_id)})


def _plan_changes(body: dict[str, Any]) -> dict[str, Any]:
    """Validate the plan fields present in a body, except day (it needs the trip)."""
    changes: dict[str, Any] = {}
    if "title" in body:
        changes["title"] = check.title(body["title"])
    for name in ("latitude", "longitude"):
        if name in body:
            changes[name] = check.coordinate(name, body[name])
    return changes


async def _create_plan(request: Request) -> Response:
    user_id, trip_id = _user_id(request), _trip_id(request)
    body = await read_json_object(request)
    for name in _PLAN_FIELDS:
        check.require(body, name)
    fields = _plan_changes(body)
    connection = _service(request).db
    with store.write_transaction(connection):
        trip = store.get_trip(connection, user_id, trip_id)
        fields["day"] = check.day(body["day"], trip["days"])
        plan = store.create_plan(connection, trip_id, fields)
    return json_response(plan, 201)


async def _get_plan(request: Request) -> Response:
    user_id, trip_id, plan_id = _user_id(request), _trip_id(request), _plan_id(request)
    connection = _service(request).db
    store.get_trip(connection, user_id, trip_id)
    return json_response(store.get_plan(connection, trip_id, plan_id))


async def _update_plan(request: Request) -> Response:
    user_id, trip_id, plan_id = _user_id(request), _trip_id(request), _plan_id(request)
    body = await read_json_object(request)
    check.only_fields(body, _PLAN_FIELDS)
    changes = _plan_changes(body)
    connection = _service(request).db
    with store.write_transaction(connection):
        trip = store.get_trip(connection, user_id, trip_id)
        if "day" in body:
            changes["day"] = check.day(body["day"], trip["days"])
        plan = store.update_plan(connection, trip_id, plan_id, changes)
    return json_response(plan)


async def _delete_plan(request: Request) -> Response:
    user_id, trip_id, plan_id = _user_id(request), _trip_id(request), _plan_id(request)
    connection = _service(request).db
    with store.write_transaction(connection):
        store.get_trip(connection, user_id, trip_id)
        store.delete_plan(connection, trip_id, plan_id)
    return Response(status_code=204)


async def _day_plans_by_distance(request: Request) -> Response:
    user_id, trip_id = _user_id(request), _trip_id(request)
    day = check.path_id("day", request.path_params["day"])
    connection = _service(request).db
    trip = store.get_trip(connection, user_id, trip_id)
    if day > trip["days"]:
        raise ApiError(404, f"Trip {trip_id} has days 1..{trip['days']} (got {day}).")
    plans, total_km = order_by_nearest(store.day_plans(connection, trip_id, day))
    return json_response({"trip_id": trip_id, "day": day, "total_km": total_km, "plans": plans})


def _resource(path: str, **handlers: Endpoint) -> Route:
    """One route per path that dispatches on the method, so 405 lists every allowed one."""

    async def dispatch(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await handlers[method](request)

    return Route(path, dispatch, methods=list(handlers))


ROUTES = [
    _resource("/health", GET=_health),
    _resource("/warmup/complete", POST=_warmup_complete),
    _resource("/metrics", GET=_metrics),
    _resource("/login", POST=_login),
    _resource("/trips", GET=_list_trips, POST=_create_trip),
    _resource("/trips/{trip_id}", GET=_get_trip, PATCH=_update_trip, DELETE=_delete_trip),
    _resource("/trips/{trip_id}/plans", GET=_list_plans, POST=_create_plan),
    _resource(
        "/trips/{trip_id}/plans/{plan_id}", GET=_get_plan, PATCH=_update_plan, DELETE=_delete_plan
    ),
    _resource("/trips/{trip_id}/days/{day}/plans", GET=_day_plans_by_distance),
]


def create_app(db_path: Path, require_warmup: bool = False) -> Starlette:
    """Build the service on an existing, seeded database (see db.create_database)."""
    service = _Service(db_path=db_path, require_warmup=require_warmup)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        service.connection = db.connect(db_path)
        service.secret = bytes.fromhex(db.read_meta(service.connection, "token_secret") or "")
        if not service.secret:
            raise RuntimeError(f"{db_path} has no token secret: create it with create_database")
        try:
            yield
        finally:
            # Said in target.log, so a worker that outlives its stop grace shows where it hung.
            metrics = service.metrics
            print(
                f"target_app: worker {os.getpid()} stopping: {metrics.requests_total} requests "
                f"served, {metrics.in_flight} in flight; closing the database",
                flush=True,
            )
            started = time.monotonic()
            service.connection.close()
            service.connection = None
            print(
                f"target_app: worker {os.getpid()} stopped (database closed in "
                f"{time.monotonic() - started:.1f} s)",
                flush=True,
            )

    app = Starlette(
        routes=ROUTES,
        middleware=[Middleware(MetricsMiddleware, metrics=service.metrics)],
        exception_handlers={
            ApiError: api_error_page,
            HTTPException: http_error_page,
            sqlite3.OperationalError: busy_database_page,
        },
        lifespan=lifespan,
    )
    app.router.redirect_slashes = False
    app.state.service = service
    return app
