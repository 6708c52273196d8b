"""PrometheusCpuFeed against a real HTTP server on loopback that answers query_range."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from stairload.run.prometheus_cpu_feed import PrometheusCpuFeed
from stairload.targetcpu import PrometheusCpu, TargetCpuError


class _RangeAnswer(BaseHTTPRequestHandler):
    """Answers every query_range with 42.5 at each second from start to end (or a 400)."""

    failing = False

    def do_GET(self) -> None:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        start, end = int(query["start"][0]), int(query["end"][0])
        values = [[second, "42.5"] for second in range(start, end + 1)]
        answer = {
            "status": "success",
            "data": {"resultType": "matrix", "result": [{"values": values}]},
        }
        status = 200
        if self.failing:
            answer, status = {"status": "error", "error": "boom"}, 400
        body = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def server() -> Iterator[tuple[str, type[_RangeAnswer]]]:
    handler = type("Handler", (_RangeAnswer,), {"failing": False})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    httpd.shutdown()
    httpd.server_close()


def test_feed_writes_each_second_once_in_the_target_cpu_format(
    server: tuple[str, type[_RangeAnswer]], tmp_path: Path
) -> None:
    """The file has the feed header and one line per second, no second twice."""
    url, _ = server
    path = tmp_path / "target_cpu.csv"
    feed = PrometheusCpuFeed(PrometheusCpu(url, "cpu"), path).start()
    written = feed.stop()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "unix_second,cpu_percent"
    seconds = [int(line.split(",")[0]) for line in lines[1:]]
    assert len(seconds) == len(set(seconds)) == len(written) >= 60
    assert set(written.values()) == {42.5}


def test_a_query_that_fails_at_start_stops_the_run(
    server: tuple[str, type[_RangeAnswer]], tmp_path: Path
) -> None:
    """Prometheus refusing the query at start raises TargetCpuError (exit 2 at the CLI)."""
    url, handler = server
    handler.failing = True
    with pytest.raises(TargetCpuError, match="HTTP 400: boom"):
        PrometheusCpuFeed(PrometheusCpu(url, "cpu"), tmp_path / "target_cpu.csv").start()
