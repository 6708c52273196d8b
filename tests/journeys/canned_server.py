"""A real HTTP server on loopback that answers canned JSON and records what it received."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# (METHOD, path without query) -> (status, body: JSON value, or bytes sent as they are)
Routes = dict[tuple[str, str], tuple[int, Any]]


@dataclass
class Received:
    """One request as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class CannedServer:
    """Where the server listens, its routes (changeable) and every request it got."""

    base_url: str
    routes: Routes
    received: list[Received] = field(default_factory=list)


@contextmanager
def canned_server(routes: Routes) -> Iterator[CannedServer]:
    """Serve ``routes`` on 127.0.0.1 for the duration of the block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    canned = CannedServer(f"http://127.0.0.1:{server.server_address[1]}", routes)
    server.canned = canned  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield canned
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        canned: CannedServer = self.server.canned  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        canned.received.append(
            Received(self.command, self.path, dict(self.headers), json.loads(raw) if raw else None)
        )
        status, body = canned.routes.get((self.command, self.path.split("?")[0]), (404, {}))
        data = (
            body if isinstance(body, bytes) else b"" if body is None else json.dumps(body).encode()
        )
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

    def log_message(self, *_: Any) -> None:
        """Quiet."""
