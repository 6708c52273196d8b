"""The notifier under gevent's monkey-patching, as on the Locust master."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

_SCRIPT = """
from gevent import monkey
monkey.patch_all()
import json, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from stairload.alarms.notifier import WebhookNotifier

received = []

class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        time.sleep(0.2)
        received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
notifier = WebhookNotifier(f"http://127.0.0.1:{server.server_address[1]}/hook")
started = time.perf_counter()
notifier.notify({"text": "one"})
notifier.notify({"text": "two"})
queued_ms = (time.perf_counter() - started) * 1000
notifier.close()
print(json.dumps({"queued_ms": queued_ms, "received": [r["text"] for r in received]}))
"""


@pytest.mark.integration
def test_notifier_works_monkey_patched() -> None:
    """Patched by gevent, notify returns at once and the posts still arrive in order."""
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, timeout=60, check=True
    )
    outcome = json.loads(result.stdout)
    assert outcome["received"] == ["one", "two"]
    assert outcome["queued_ms"] < 50
