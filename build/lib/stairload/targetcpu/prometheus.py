"""CPU per second read from Prometheus's HTTP API (``/api/v1/query_range``)."""

from __future__ import annotations

import base64
import json
import math
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from stairload.core.urls import redacted, url_problem
from stairload.targetcpu.errors import TargetCpuError

_TIMEOUT_SECONDS = 10.0
# Prometheus refuses a range of more than 11,000 points; ask in chunks below that.
_MAX_POINTS = 10_000


class PrometheusCpu:
    """The result of ``query`` (percent of one core) at every second of a time range."""

    def __init__(self, url: str, query: str, *, step_seconds: int = 1) -> None:
        problem = url_problem(url, credentials=True)
        if problem:
            raise TargetCpuError(f"--target-cpu-prometheus: {problem}")
        parts = urllib.parse.urlsplit(url)
        if not query.strip():
            raise TargetCpuError("--query: must be a PromQL expression (got an empty string)")
        self._authorization = _basic_auth(parts)
        self.url = urllib.parse.urlunsplit(parts._replace(netloc=_netloc(parts))).rstrip("/")
        self.query = query
        self.step_seconds = step_seconds

    def by_second(self, start_unix: float, end_unix: float) -> dict[int, float]:
        """{unix second: value} from ``start_unix`` to ``end_unix``; series added per second."""
        samples: dict[int, float] = {}
        begin = math.floor(start_unix)
        end = math.ceil(end_unix)
        while begin <= end:
            chunk_end = min(end, begin + _MAX_POINTS * self.step_seconds)
            for second, value in self._query_range(begin, chunk_end):
                samples[second] = samples.get(second, 0.0) + value
            begin = chunk_end + self.step_seconds
        return dict(sorted(samples.items()))

    def _query_range(self, start: int, end: int) -> list[tuple[int, float]]:
        arguments = urllib.parse.urlencode(
            {"query": self.query, "start": start, "end": end, "step": self.step_seconds}
        )
        address = f"{self.url}/api/v1/query_range?{arguments}"
        request = urllib.request.Request(address)
        if self._authorization:
            request.add_header("Authorization", self._authorization)
        try:
            with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as response:
                body = json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise TargetCpuError(_http_error(error, self.url)) from None
        except (OSError, ValueError) as error:
            raise TargetCpuError(
                f"--target-cpu-prometheus: cannot read {redacted(self.url)} ({error})"
            ) from None
        return _points(body, self.url)


def _points(body: Any, url: str) -> list[tuple[int, float]]:
    """(second, value) pairs of every series of a query_range answer."""
    if not isinstance(body, dict) or body.get("status") != "success":
        detail = body.get("error", "not a Prometheus answer") if isinstance(body, dict) else body
        raise TargetCpuError(f"--target-cpu-prometheus: {redacted(url)}: {detail}")
    data = body.get("data") or {}
    if data.get("resultType") != "matrix":
        raise TargetCpuError(
            f"--query: must give a range vector per series (got {data.get('resultType')})"
        )
    points: list[tuple[int, float]] = []
    for series in data.get("result") or []:
        for stamp, value in series.get("values") or []:
            number = float(value)
            if math.isfinite(number):
                points.append((math.floor(float(stamp)), number))
    return points


def _http_error(error: urllib.error.HTTPError, url: str) -> str:
    try:
        detail = json.loads(error.read()).get("error", error.reason)
    except (OSError, ValueError, AttributeError):
        detail = error.reason
    return f"--target-cpu-prometheus: {redacted(url)}: HTTP {error.code}: {detail}"


def _netloc(parts: urllib.parse.SplitResult) -> str:
    """host[:port] without credentials."""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    return host + (f":{parts.port}" if parts.port else "")


def _basic_auth(parts: urllib.parse.SplitResult) -> str | None:
    """The Authorization header for user:password@ in the URL, if any."""
    if parts.username is None:
        return None
    pair = f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}"
    return "Basic " + base64.b64encode(pair.encode()).decode()
