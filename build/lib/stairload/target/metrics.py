"""Request counters and process CPU time for GET /metrics (per worker process)."""

from __future__ import annotations

import os
import time
from collections import Counter
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class Metrics:
    """Counts of requests, response statuses and routes since the worker started."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.requests_total = 0
        self.in_flight = 0
        self.responses: Counter[str] = Counter()
        self.routes: Counter[str] = Counter()

    def snapshot(self) -> dict[str, Any]:
        """Return the JSON body of GET /metrics."""
        return {
            "uptime_seconds": round(time.monotonic() - self.started, 3),
            "cpu_seconds": round(time.process_time(), 3),
            "requests_total": self.requests_total,
            "responses": dict(self.responses),
            "routes": dict(self.routes),
            "pid": os.getpid(),
        }


class MetricsMiddleware:
    """ASGI middleware that records every HTTP request in a Metrics object."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        metrics = self.metrics
        metrics.requests_total += 1
        metrics.in_flight += 1

        async def send_counting(message: Message) -> None:
            if message["type"] == "http.response.start":
                metrics.responses[str(message["status"])] += 1
            await send(message)

        try:
            await self.app(scope, receive, send_counting)
        finally:
            metrics.in_flight -= 1
            route = scope.get("route")
            path = getattr(route, "path", None) or "unmatched"
            metrics.routes[f"{scope['method']} {path}"] += 1
