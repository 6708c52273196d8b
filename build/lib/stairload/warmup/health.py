"""Waiting for the host's process to answer, and the two plain HTTP calls around a warm-up.

"Up" means the health endpoint answers **200 or 503**: 200 is a ready host, 503 a host
that is running but holds back its health check until the warm-up completes (the
embedded target with ``--require-warmup``). Anything else (no connection, a timeout,
another status) means "not up yet" and is retried until the deadline.
"""

from __future__ import annotations

import http.client
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from stairload.core.errors import TargetUnreachable

UP_STATUSES = (200, 503)


def status_of(base_url: str, method: str, path: str, timeout_seconds: float = 5.0) -> int | None:
    """The HTTP status of one request, or None when nothing answered."""
    parts = urlsplit(base_url)
    factory = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = factory(parts.hostname or "", parts.port, timeout=timeout_seconds)
    try:
        connection.request(
            method, parts.path.rstrip("/") + path, body=b"" if method == "POST" else None
        )
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def wait_until_up(
    base_url: str,
    health_path: str,
    timeout_seconds: float,
    *,
    poll_seconds: float = 0.25,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[int, float]:
    """Poll health until it answers 200 or 503; return (status, seconds waited).

    Raises ``TargetUnreachable`` after ``timeout_seconds`` without such an answer.
    """
    started = clock()
    last: int | None = None
    while True:
        last = status_of(base_url, "GET", health_path, timeout_seconds=min(5.0, timeout_seconds))
        waited = clock() - started
        if last in UP_STATUSES:
            return last, waited
        if waited >= timeout_seconds:
            seen = "no answer" if last is None else f"last status {last}"
            raise TargetUnreachable(
                f"{base_url}{health_path} did not answer 200 or 503 within "
                f"{timeout_seconds:g} s ({seen})"
            )
        sleep(min(poll_seconds, max(0.0, timeout_seconds - waited)))
