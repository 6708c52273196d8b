"""Run the target as a real process on a free loopback port, for tests and demos.

with start_target(tmp_path, users=50) as base_url:
    urllib.request.urlopen(f"{base_url}/health")
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from stairload.target.launch import TargetProcess, free_port, launch_target

__all__ = ["TargetProcess", "call", "free_port", "launch_target", "login", "start_target"]


@contextmanager
def start_target(
    directory: Path, users: int = 50, require_warmup: bool = False, workers: int = 1
) -> Iterator[str]:
    """Run the target for the duration of the block and yield its base URL."""
    target = launch_target(directory, users, require_warmup, workers)
    try:
        yield target.base_url
    finally:
        target.stop()


def call(
    base_url: str,
    method: str,
    path: str,
    body: object = None,
    token: str | None = None,
    raw_body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    """Send one request; return (status, decoded JSON body or None when there is none)."""
    data = raw_body if raw_body is not None else None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{base_url}{path}", data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, payload = error.code, error.read()
    return status, json.loads(payload) if payload else None


def login(base_url: str, user_number: int) -> str:
    """Log in as the seeded user<n> and return the bearer token."""
    status, body = call(
        base_url,
        "POST",
        "/login",
        {"username": f"user{user_number}", "password": f"password{user_number}"},
    )
    if status != 200:
        raise RuntimeError(f"login of user{user_number} answered {status}: {body}")
    return str(body["token"])
