"""PrometheusCpu against a real HTTP server on loopback serving canned query_range answers."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from stairload.targetcpu import PrometheusCpu, TargetCpuError

MATRIX = {
    "status": "success",
    "data": {
        "resultType": "matrix",
        "result": [
            {"metric": {"pod": "a"}, "values": [[1000, "40.5"], [1001, "41"], [1002, "NaN"]]},
            {"metric": {"pod": "b"}, "values": [[1000, "10"], [1001, "12.5"]]},
        ],
    },
}


class _Prometheus(BaseHTTPRequestHandler):
    answer: Any = MATRIX
    status = 200
    seen: list[tuple[str, dict[str, list[str]], str | None]] = []  # noqa: RUF012 (test log)

    def do_GET(self) -> None:
        parts = urllib.parse.urlsplit(self.path)
        type(self).seen.append(
            (parts.path, urllib.parse.parse_qs(parts.query), self.headers.get("Authorization"))
        )
        body = json.dumps(self.answer).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def prometheus() -> Iterator[tuple[str, type[_Prometheus]]]:
    handler = type("Handler", (_Prometheus,), {"seen": [], "answer": MATRIX, "status": 200})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler
    server.shutdown()
    server.server_close()


def test_series_are_added_per_second(prometheus: tuple[str, type[_Prometheus]]) -> None:
    """Two series add up second by second; NaN values are skipped."""
    url, _ = prometheus
    samples = PrometheusCpu(url, "cpu").by_second(1000, 1002)
    assert samples == {1000: 50.5, 1001: 53.5}


def test_query_range_is_asked_with_a_one_second_step(
    prometheus: tuple[str, type[_Prometheus]],
) -> None:
    """The request goes to /api/v1/query_range with the query, start, end and step 1."""
    url, handler = prometheus
    PrometheusCpu(url + "/", 'sum(rate(x{job="api"}[15s]))').by_second(1000.4, 1059.2)
    path, query, _ = handler.seen[0]
    assert path == "/api/v1/query_range"
    assert query == {
        "query": ['sum(rate(x{job="api"}[15s]))'],
        "start": ["1000"],
        "end": ["1060"],
        "step": ["1"],
    }


def test_credentials_in_the_url_become_basic_auth(
    prometheus: tuple[str, type[_Prometheus]],
) -> None:
    """user:password@ in the URL is sent as a Basic Authorization header."""
    url, handler = prometheus
    PrometheusCpu(url.replace("http://", "http://me:s3cret@"), "cpu").by_second(1000, 1001)
    assert handler.seen[0][2] == "Basic bWU6czNjcmV0"


def test_a_prometheus_error_is_one_line_without_credentials(
    prometheus: tuple[str, type[_Prometheus]],
) -> None:
    """A 400 with Prometheus's error text is a TargetCpuError that hides the password."""
    url, handler = prometheus
    handler.status = 400
    handler.answer = {"status": "error", "errorType": "bad_data", "error": "parse error"}
    source = PrometheusCpu(url.replace("http://", "http://me:s3cret@"), "cpu(")
    with pytest.raises(TargetCpuError) as raised:
        source.by_second(1000, 1001)
    assert str(raised.value).endswith("HTTP 400: parse error")
    assert "s3cret" not in str(raised.value)


def test_a_non_matrix_answer_is_refused(prometheus: tuple[str, type[_Prometheus]]) -> None:
    """A scalar or vector answer is not CPU per second: TargetCpuError naming --query."""
    url, handler = prometheus
    handler.answer = {"status": "success", "data": {"resultType": "scalar", "result": [1, "2"]}}
    with pytest.raises(TargetCpuError, match=r"^--query: must give a range vector"):
        PrometheusCpu(url, "1").by_second(1000, 1001)


def test_an_unreachable_server_is_a_one_line_error() -> None:
    """Nothing listening: TargetCpuError saying the URL cannot be read."""
    with pytest.raises(TargetCpuError, match=r"^--target-cpu-prometheus: cannot read"):
        PrometheusCpu("http://127.0.0.1:9", "cpu").by_second(1000, 1001)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://127.0.0.1/", r"must be an http\(s\) URL"),
        ("127.0.0.1:9090", r"must be an http\(s\) URL"),
        ("http://", r"must name a host \(got 'http://'\)"),
    ],
)
def test_a_url_that_is_not_http_is_refused(url: str, problem: str) -> None:
    """Only http(s) URLs with a host are accepted (the one check of stairload.core.urls)."""
    with pytest.raises(TargetCpuError, match=rf"^--target-cpu-prometheus: {problem}"):
        PrometheusCpu(url, "cpu")
