"""A tiny loopback HTTP service for runs that must not pass: resets, hostile tokens.

``POST /login`` answers ``{"token": TOKEN}``; ``GET /items`` answers ``{"items": []}``.
With ``reset_every=N`` every N-th request is answered by a TCP reset (``SO_LINGER`` 0,
close): a real ``ECONNRESET`` on the client. Standard library only, one thread per
connection, run in a daemon thread of the test process.
"""

from __future__ import annotations

import json
import socket
import struct
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    token = "t0ken"
    reset_every = 0
    requests = 0
    resets = 0
    lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, *_: object) -> None:
        """Quiet."""

    def _count(self) -> bool:
        """Count the request; True when it is to be reset."""
        server = self.server
        with server.lock:
            server.requests += 1
            reset = bool(server.reset_every) and server.requests % server.reset_every == 0
            server.resets += reset
        return reset

    def _answer(self, payload: object) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if self._count():
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        body = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        """The login: a token."""
        self._answer({"token": self.server.token})

    def do_GET(self) -> None:
        """The items: an empty list."""
        self._answer({"items": []})


@contextmanager
def plan_server(token: str = "t0ken", reset_every: int = 0) -> Iterator[_Server]:
    """The service on a free loopback port; ``server.server_address`` has it."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.token, server.reset_every = token, reset_every
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def url_of(server: _Server) -> str:
    """The service's base URL."""
    host, port = server.server_address[:2]
    return f"http://{host}:{port}"


def write_plan(folder: Path, *, data: str = "") -> Path:
    """A scenarios file with one scenario, ``plan``: log in, then read the items.

    ``data``: a ``data:`` mapping for the scenario (its file written next to it by the
    caller). Think time 50-100 ms keeps a run of a few users light on a shared machine.
    """
    scenario_data = f"\n    data: {data}" if data else ""
    login = '{username: "{username}"}' if data else "{username: someone}"
    text = textwrap.dedent(
        """\
        service: {name: plan, response_time_ms: 500, peak_rate: 2.0, safety_factor: 2.0}
        cases:
          average: {dau: 2000, think_time_seconds: {min: 0.05, max: 0.1}}
          stress: {dau: 4000, think_time_seconds: {min: 0.05, max: 0.1}}
        thresholds: {mtt_ms: 500, error_rate: 0.01}
        scenarios:
          plan:
            description: log in, then read the items
            requests_per_user_per_day: 2
            journey_seconds: 30
            stairs: {step_users: 3, step_seconds: 60, hold_seconds: 60, spawn_rate: 10}"""
    )
    text += scenario_data
    text += textwrap.indent(
        textwrap.dedent(
            f"""
            headers: {{Authorization: "Bearer {{token}}"}}
            steps:
              - request: POST /login
                json: {login}
                expect: {{status: 200, checks: ["token"]}}
                capture: {{token: token}}
              - request: GET /items
                expect: {{status: 200}}
            """
        ),
        "    ",
    )
    path = folder / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path
