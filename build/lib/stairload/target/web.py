"""HTTP helpers for the handlers: JSON responses, bounded body reading, JSON error pages."""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from stairload.target.errors import ApiError
from stairload.target.validation import MAX_BODY_BYTES, parse_json_object


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """Return a compact JSON response."""
    return Response(
        json.dumps(body, separators=(",", ":")).encode(),
        status_code=status,
        headers=headers,
        media_type="application/json",
    )


async def read_json_object(request: Request) -> dict[str, Any]:
    """Read a body of at most MAX_BODY_BYTES and decode it as one JSON object."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
        raise ApiError(413, f"The body must be at most {MAX_BODY_BYTES} bytes.")
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise ApiError(413, f"The body must be at most {MAX_BODY_BYTES} bytes.")
            chunks.append(chunk)
    except ClientDisconnect as error:
        raise ApiError(400, "The client closed the connection before the body ended.") from error
    return parse_json_object(b"".join(chunks))


async def api_error_page(request: Request, error: Exception) -> Response:
    """Answer an ApiError with its status and ``{"error": message}``."""
    assert isinstance(error, ApiError)
    return json_response({"error": error.message}, error.status)


async def http_error_page(request: Request, error: Exception) -> Response:
    """Answer Starlette's own 404/405 with a JSON error body instead of plain text."""
    assert isinstance(error, HTTPException)
    messages = {404: "No such endpoint.", 405: f"Method {request.method} is not allowed here."}
    message = messages.get(error.status_code, str(error.detail))
    return json_response({"error": message}, error.status_code, error.headers)


async def busy_database_page(request: Request, error: Exception) -> Response:
    """Answer a write that waited out the busy timeout with 503 and Retry-After."""
    if "locked" not in str(error) and "busy" not in str(error):
        raise error  # any other OperationalError is a bug: a 500 with a traceback
    return json_response({"error": "The database is busy; retry."}, 503, {"Retry-After": "1"})
