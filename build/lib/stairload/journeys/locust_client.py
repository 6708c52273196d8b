"""``runner.Client`` over a Locust FastHttpUser's client: requests land in its stats.

Every transport error is a failure, even where Locust's FastHttpSession would let it pass:
a connection reset while the body was read leaves a status code and an error (the runner's
judge would see a 200 with an empty body), and geventhttpclient retries an idempotent
request silently when the server closes or resets a connection that looked alive, so
the reset never reaches Locust's stats. ``count_connections`` counts the connections each
request takes; more than one means such a retry, and the request is failed with the
reason. The generator's own OSErrors (too many open files, ...) and requests that could
not be built are generator faults (``stairload.core.faults``), not the target's failures.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from stairload.core.faults import GeneratorFault, fault_text, is_generator_fault
from stairload.journeys.runner import Judge

RETRIED = "connection closed or reset by the server before it answered (the HTTP client retried)"


class LocustClient:
    """Sends with ``catch_response`` and marks each answer as the runner's judge says."""

    def __init__(self, http: Any, environment: Any) -> None:
        self._http = http
        self._request_event = environment.events.request
        self._connections = count_connections(http)

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
        taken = self._connections()
        with self._http.request(
            method, path, name=name, headers=headers, json=body, catch_response=True
        ) as response:
            status = response.status_code or 0
            transport = response.request_meta.get("exception") or getattr(response, "error", None)
            if transport is not None and is_generator_fault(transport):
                reason = fault_text(transport) if isinstance(transport, OSError) else str(transport)
                response.failure(GeneratorFault(reason))
                return reason
            if transport is not None:
                error = f"connection error: {transport!r}"
            elif self._connections() - taken > 1:
                error = RETRIED
            else:
                error = None if status else "connection error: no answer"
            reason = judge(status, response.content if error is None else None, error)
            if reason is None:
                response.success()
            else:
                response.failure(reason)
        return reason

    def record_failure(self, method: str, name: str, reason: str) -> None:
        """Record a step whose request could not be sent: a journey fault (0 ms, 0 bytes)."""
        self._request_event.fire(
            request_type=method,
            name=name,
            response_time=0,
            response_length=0,
            exception=GeneratorFault(f"journey fault: {reason}"),
            context={},
            start_time=time.time(),
            url=name,
            response=None,
        )


def count_connections(http: Any) -> Callable[[], int]:
    """A counter of the connections ``http`` (a FastHttpSession) took from its pools.

    Wraps each ``HTTPClient``'s connection pool as the session creates it (one per host);
    a client without the expected attributes (another HTTP library) counts nothing.
    """
    taken = [0]
    pool = getattr(getattr(http, "client", None), "clientpool", None)
    if pool is None or not hasattr(pool, "get_client"):
        return lambda: 0
    get_client = pool.get_client

    def counting_get_client(url: Any) -> Any:
        client = get_client(url)
        connections = getattr(client, "_connection_pool", None)
        if connections is not None and not getattr(connections, "_stairload_counted", False):
            get_socket = connections.get_socket

            def counting_get_socket() -> Any:
                taken[0] += 1
                return get_socket()

            connections.get_socket = counting_get_socket
            connections._stairload_counted = True
        return client

    pool.get_client = counting_get_client
    return lambda: taken[0]
