"""The live page's HTTP server: a gevent WSGI server in the Locust master, on loopback.

Two paths: ``/`` is one self-contained HTML page (inline CSS, JS and SVG: the machine
may be offline), ``/live.json`` its data, which the page polls every second. Locust's own
web UI stays off: our runs are headless and driven by the stair, and its UI would add
start and stop buttons that fight the shape and listen on every interface by default.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from gevent.pywsgi import WSGIServer

from stairload.livepage.payload import LivePayload

LOOPBACK = "127.0.0.1"
JSON_PATH = "/live.json"
_log = logging.getLogger("stairload")
StartResponse = Callable[..., Any]


class LivePage:
    """Serves the page and its JSON from one ``LivePayload``."""

    def __init__(self, payload: LivePayload, html: str) -> None:
        self.payload = payload
        self._html = html.encode("utf-8")
        self._server: WSGIServer | None = None
        self._failed = False

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """The WSGI application."""
        path = environ.get("PATH_INFO", "/")
        if path == "/":
            return _answer(start_response, "200 OK", "text/html; charset=utf-8", self._html)
        if path == JSON_PATH:
            return self._json(environ, start_response)
        return _answer(start_response, "404 Not Found", "text/plain", b"not found\n")

    def _json(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        try:
            since_s = max(0, int(query.get("since", ["0"])[0]))
        except ValueError:
            return _answer(start_response, "400 Bad Request", "text/plain", b"since: a number\n")
        try:
            body = json.dumps(self.payload.build(since_s), allow_nan=False).encode("utf-8")
        except Exception:  # a bug here must not stop the run: logged once, answered 500
            if not self._failed:
                _log.exception("live page: its data could not be built")
                self._failed = True
            return _answer(start_response, "500 Internal Server Error", "text/plain", b"error\n")
        return _answer(start_response, "200 OK", "application/json", body)

    def serve(self, port: int, host: str = LOOPBACK) -> str:
        """Start serving (in the background, on gevent's loop); returns the page's URL."""
        self._server = WSGIServer((host, port), self, log=None, error_log=_log)
        self._server.start()
        return f"http://{host}:{self._server.server_port}/"

    def close(self) -> None:
        """Stop serving (idempotent)."""
        if self._server is not None:
            self._server.stop(timeout=1)
            self._server = None


def _answer(
    start_response: StartResponse, status: str, content_type: str, body: bytes
) -> list[bytes]:
    start_response(
        status,
        [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
        ],
    )
    return [body]
