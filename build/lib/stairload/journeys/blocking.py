"""A plain blocking client for journeys: one keep-alive connection, one thread at a time."""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from stairload.core.urls import url_problem
from stairload.journeys.runner import Judge

# Called once per request with (method, name, elapsed_ms, failure reason or None).
OnRequest = Callable[[str, str, float, "str | None"], None]


class BlockingClient:
    """Implements ``runner.Client`` over ``http.client``; reconnects after an error."""

    def __init__(
        self, base_url: str, timeout_seconds: float = 10.0, on_request: OnRequest | None = None
    ) -> None:
        problem = url_problem(base_url)
        if problem:
            raise ValueError(f"base_url: {problem}")
        parts = urlsplit(base_url)
        self._scheme = parts.scheme
        self._host = parts.hostname
        self._port = parts.port
        self._prefix = parts.path.rstrip("/")
        self._timeout = timeout_seconds
        self._on_request = on_request
        self._connection: http.client.HTTPConnection | None = None

    def send(
        self,
        method: str,
        path: str,
        *,
        name: str,
        headers: dict[str, str],
        body: Any,
        judge: Judge,
    ) -> str | None:
        """Send one request of a ``runner`` journey; see ``runner.Client``."""
        sent = {"Accept": "application/json", **headers}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent.setdefault("Content-Type", "application/json")
        started = time.perf_counter()
        status, raw, error = self._exchange(method, self._prefix + path, data, sent)
        elapsed_ms = (time.perf_counter() - started) * 1000
        reason = judge(status, raw, error)
        if self._on_request is not None:
            self._on_request(method, name, elapsed_ms, reason)
        return reason

    def record_failure(self, method: str, name: str, reason: str) -> None:
        """Record a step that failed before it was sent (0 ms)."""
        if self._on_request is not None:
            self._on_request(method, name, 0.0, reason)

    def close(self) -> None:
        """Close the connection, if open."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _exchange(
        self, method: str, path: str, data: bytes | None, headers: dict[str, str]
    ) -> tuple[int, bytes | None, str | None]:
        try:
            connection = self._connect()
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            return 0, None, f"connection error: {error.__class__.__name__}: {error}"
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response.status, raw, None

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            factory = (
                http.client.HTTPSConnection
                if self._scheme == "https"
                else http.client.HTTPConnection
            )
            self._connection = factory(self._host, self._port, timeout=self._timeout)
        return self._connection
