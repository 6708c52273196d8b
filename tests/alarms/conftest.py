"""A real Slack-like webhook: stdlib http.server on a free loopback port, in a thread."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from alarms_webhook import SECRET_PATH, Webhook

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    """A running webhook server; its URL carries a secret-looking path."""
    state = Webhook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.attempts += 1
            time.sleep(state.delay_seconds)
            if state.status == 200:
                state.record(self.path, json.loads(body))
            self.send_response(state.status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}{SECRET_PATH}"
    yield state
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def dead_url() -> str:
    """A loopback URL nobody listens on (the port was free a moment ago)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()
    return f"http://127.0.0.1:{port}{SECRET_PATH}"


@pytest.fixture
def seed_event() -> dict[str, Any]:
    """The SNS test event from the source story, as Lambda receives it."""
    return json.loads((FIXTURES / "seed_sns_event.json").read_text(encoding="utf-8"))
