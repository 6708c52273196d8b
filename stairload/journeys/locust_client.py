"""``runner.Client`` over a Locust FastHttpUser's client: requests land in its stats."""

from __future__ import annotations

import time
from typing import Any

from stairload.journeys.runner import Judge


class LocustClient:
    """Sends with ``catch_response`` and marks each answer as the runner's judge says."""

    def __init__(self, http: Any, environment: Any) -> None:
        self._http = http
        self._request_event = environment.events.request

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
        """Send one request, judge it, record success or failure with the reason."""
        with self._http.request(
            method, path, name=name, headers=headers, json=body, catch_response=True
        ) as response:
            status = response.status_code or 0
            error = None if status else f"connection error: {response.error!r}"
            reason = judge(status, response.content, error)
            if reason is None:
                response.success()
            else:
                response.failure(reason)
        return reason

    def record_failure(self, method: str, name: str, reason: str) -> None:
        """Record a step that failed before its request was sent (0 ms, 0 bytes)."""
        self._request_event.fire(
            request_type=method,
            name=name,
            response_time=0,
            response_length=0,
            exception=_NotSent(reason),
            context={},
            start_time=time.time(),
            url=name,
            response=None,
        )


class _NotSent(Exception):
    """A step whose request could not be built (a template failed); its reason is the text."""
