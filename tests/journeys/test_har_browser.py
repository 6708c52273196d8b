"""A HAR recorded by headless Chromium on a page that walks the embedded target's API.

A small front server on loopback serves the page (HTML, CSS, JavaScript, an image) and
passes every other request through to the embedded target, so the page and the API share
one origin, as in a real single-page app. Chromium records the visit (Playwright's
``record_har_path``); ``stairload import har`` turns it into steps that run with no
failure through the same front server.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from browser import ARGS, CHROMIUM, need_browser

from stairload.cli.importer import main
from stairload.journeys.blocking import BlockingClient
from stairload.journeys.load import parse_journey
from stairload.journeys.runner import JourneyRunner
from stairload.target.testing import start_target

PAGE = b"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>trips</title>
<link rel="stylesheet" href="/style.css"><link rel="icon" href="data:,"></head>
<body><img src="/logo.png" alt="logo"><p id="state">loading</p>
<script src="/app.js"></script></body></html>"""
APP = b"""
async function call(method, path, token, body) {
  const headers = {};
  if (token) headers["Authorization"] = "Bearer " + token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const answer = await fetch(path, {method, headers,
    body: body === undefined ? undefined : JSON.stringify(body)});
  return answer.status === 204 ? null : answer.json();
}
(async () => {
  const session = await call("POST", "/login", null, {username: "user3", password: "password3"});
  const list = await call("GET", "/trips", session.token);
  const trip = list.trips[0].id;
  await call("GET", "/trips/" + trip, session.token);
  await call("GET", "/trips/" + trip + "/plans", session.token);
  const plan = await call("POST", "/trips/" + trip + "/plans", session.token,
    {day: 1, title: "From the browser", latitude: 35.1, longitude: 129.0});
  await call("PATCH", "/trips/" + trip + "/plans/" + plan.id, session.token, {title: "Moved"});
  await call("DELETE", "/trips/" + trip + "/plans/" + plan.id, session.token);
  document.getElementById("state").textContent = "done";
})();
"""
# a 1x1 PNG
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
ASSETS = {
    "/": ("text/html; charset=utf-8", PAGE),
    "/style.css": ("text/css", b"body{font-family:sans-serif}"),
    "/app.js": ("application/javascript", APP),
    "/logo.png": ("image/png", PNG),
}


class _Front(ThreadingHTTPServer):
    daemon_threads = True
    target = ""


class _FrontHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Front

    def log_message(self, *_: object) -> None:
        """Quiet."""

    def _send(self, status: int, mime: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", mime)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _pass_through(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        target = urlsplit(self.server.target)
        headers = {
            name: self.headers[name]
            for name in ("Authorization", "Content-Type")
            if self.headers.get(name)
        }
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
        try:
            connection.request(self.command, self.path, body=body, headers=headers)
            answer = connection.getresponse()
            payload = answer.read()
            mime = answer.getheader("Content-Type") or "application/json"
            status = answer.status
        finally:
            connection.close()
        if status == 204:
            self.send_response(204)
            self.end_headers()
            return
        self._send(status, mime, payload)

    def do_GET(self) -> None:
        """An asset of the page, or the API."""
        if self.path in ASSETS:
            self._send(200, *ASSETS[self.path])
        else:
            self._pass_through()

    do_POST = do_PATCH = do_DELETE = _pass_through


@pytest.fixture(scope="module")
def front_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The page and the embedded target's API on one loopback origin."""
    with start_target(tmp_path_factory.mktemp("target"), users=5) as target:
        server = _Front(("127.0.0.1", 0), _FrontHandler)
        server.target = target
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()


@pytest.fixture(scope="module")
def recorded(front_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """visit.har: headless Chromium's own recording of the page walking the journey."""
    need_browser()
    from playwright.sync_api import sync_playwright

    har = tmp_path_factory.mktemp("har") / "visit.har"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(record_har_path=str(har), record_har_content="embed")
            page = context.new_page()
            page.goto(front_url, wait_until="load")
            page.wait_for_function("document.getElementById('state').textContent === 'done'")
            context.close()  # writes the HAR
        finally:
            browser.close()
    return har


@pytest.mark.browser
@pytest.mark.integration
def test_a_chromium_recording_becomes_steps_that_run(recorded, front_url, tmp_path, capsys):
    """The page, its assets left out; the API calls kept with their captures; 0 failures."""
    out = tmp_path / "snippet.yaml"
    assert main(["har", str(recorded), "--scenario", "browser", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    scenario = yaml.safe_load(text)["scenarios"]["browser"]
    requests = [step["request"] for step in scenario["steps"]]
    assert requests == [
        "GET /",
        "POST /login",
        "GET /trips",
        "GET /trips/{trip_id}",
        "GET /trips/{trip_id}/plans",
        "POST /trips/{trip_id}/plans",
        "PATCH /trips/{trip_id}/plans/{plan_id}",
        "DELETE /trips/{trip_id}/plans/{plan_id}",
    ]
    console = capsys.readouterr().out
    for asset in ("/style.css (static asset: text/css)", "/app.js (static asset: "):
        assert any(asset in line for line in console.splitlines()), console
    recorded_tokens = {
        header["value"]
        for entry in json.loads(recorded.read_text())["log"]["entries"]
        for header in entry["request"]["headers"]
        if header["name"].lower() == "authorization"
    }
    assert recorded_tokens and not any(token in text for token in recorded_tokens)
    journey = parse_journey(scenario, source=str(out), scenario_name="browser", base_dir=tmp_path)
    seen: list[str | None] = []
    client = BlockingClient(front_url, on_request=lambda _m, _n, _ms, reason: seen.append(reason))
    runner = JourneyRunner(journey, client, vu=1, sleep=lambda _seconds: None)
    for _ in range(3):
        assert runner.run() is None
    client.close()
    assert seen == [None] * (3 * 8)
