"""A Prometheus exporter for the master: an ``intervals.csv`` listener plus an HTTP endpoint.

Wiring on the Locust master: the exporter reads the run's one ``LiveSource`` (the
live page reads it too), which the interval recorder feeds::

    source = LiveSource(stairs, alarm_states)
    recorder.listeners.append(source.on_second)
    serve_live_metrics(port, source)

Every gauge describes the last second written to ``intervals.csv`` (its number is
``stairload_second``), so a scrape reads the same figures as that file's row for that
second. Per-second gauges carry ``method`` and ``name`` labels; the ``Total`` row has
``name="Total"`` and an empty method, as in ``intervals.csv``.

Alarm states are numbers (``ALARM_STATE_VALUES``): 0 OK, 1 ALARM, 2 INSUFFICIENT_DATA.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, start_http_server

from capacity.stairs import Stairs, stage_at
from stairload.livemetrics.source import AlarmStates, LiveSource
from stairload.rundir import AlarmState, IntervalRow

ALARM_STATE_VALUES: dict[str, int] = {
    AlarmState.OK: 0,
    AlarmState.ALARM: 1,
    AlarmState.INSUFFICIENT_DATA: 2,
}

# What a scrape shows (counters gain a ``_total`` sample suffix on the wire).
METRIC_NAMES = (
    "stairload_second",
    "stairload_users",
    "stairload_planned_users",
    "stairload_step",
    "stairload_step_count",
    "stairload_tps",
    "stairload_mtt_milliseconds",
    "stairload_p50_milliseconds",
    "stairload_p95_milliseconds",
    "stairload_p99_milliseconds",
    "stairload_p99_9_milliseconds",
    "stairload_max_milliseconds",
    "stairload_error_ratio",
    "stairload_requests_total",
    "stairload_failures_total",
    "stairload_journeys_started_total",
    "stairload_journeys_dropped_total",
    "stairload_alarm_state",
)

_NAME_LABELS = ("method", "name")
_PERCENTILE_GAUGES = (
    ("p50_ms", "50th"),
    ("p95_ms", "95th"),
    ("p99_ms", "99th"),
    ("p99_9_ms", "99.9th"),
)


class LiveMetrics:
    """Gauges and counters of one run, in their own registry (no process metrics mixed in)."""

    def __init__(
        self,
        stairs: Stairs | None = None,
        alarm_states: AlarmStates | None = None,
        registry: CollectorRegistry | None = None,
    ) -> None:
        self.registry = registry or CollectorRegistry()
        self._stairs = stairs
        self._alarm_states = alarm_states
        self._names_seen: set[tuple[str, str]] = set()
        r = self.registry
        self.second = Gauge(
            "stairload_second", "Second of the run these figures describe", registry=r
        )
        self.users = Gauge("stairload_users", "Users running in that second", registry=r)
        self.planned_users = Gauge(
            "stairload_planned_users", "Users the stair plans for that second", registry=r
        )
        self.step = Gauge("stairload_step", "Stair step (plateau) number, 1-based", registry=r)
        self.step_count = Gauge("stairload_step_count", "Number of steps in the stair", registry=r)
        self.tps = Gauge(
            "stairload_tps", "Requests completed in that second", _NAME_LABELS, registry=r
        )
        self.mtt = Gauge(
            "stairload_mtt_milliseconds",
            "Mean response time of that second's requests (NaN: none)",
            _NAME_LABELS,
            registry=r,
        )
        self.percentiles = {
            column: Gauge(
                f"stairload_{column[:-3]}_milliseconds",
                f"{label} percentile response time of that second's requests, "
                "to the microsecond (HDR, 3 digits; NaN: none)",
                _NAME_LABELS,
                registry=r,
            )
            for column, label in _PERCENTILE_GAUGES
        }
        self.p95 = self.percentiles["p95_ms"]
        self.max = Gauge(
            "stairload_max_milliseconds",
            "Longest response time of that second's requests (NaN: none)",
            _NAME_LABELS,
            registry=r,
        )
        self.error_ratio = Gauge(
            "stairload_error_ratio",
            "Failed / completed requests in that second (NaN: none completed)",
            _NAME_LABELS,
            registry=r,
        )
        self.requests = Counter(
            "stairload_requests", "Requests completed since the start", _NAME_LABELS, registry=r
        )
        self.failures = Counter(
            "stairload_failures", "Requests failed since the start", _NAME_LABELS, registry=r
        )
        self.journeys_started = Counter(
            "stairload_journeys_started",
            "Open runs (shape arrivals): journeys started on the schedule since the start",
            registry=r,
        )
        self.journeys_dropped = Counter(
            "stairload_journeys_dropped",
            "Open runs (shape arrivals): journeys due when every pooled user was busy, dropped",
            registry=r,
        )
        self.alarm_state = Gauge(
            "stairload_alarm_state",
            "Alarm state: 0 OK, 1 ALARM, 2 INSUFFICIENT_DATA",
            ("alarm",),
            registry=r,
        )
        if stairs is not None:
            self.step_count.set(len(stairs.steps))
        self._publish_alarms()

    def on_second(self, second: int, rows: Sequence[IntervalRow]) -> None:
        """An ``intervals.csv`` listener: publish the rows of one written second."""
        self.second.set(second)
        fresh: set[tuple[str, str]] = set()
        for row in rows:
            labels = (row.method, row.name)
            fresh.add(labels)
            self._publish_row(labels, row)
            if row.is_total:
                self.users.set(_number(row.users))
                self.planned_users.set(_number(row.target_users))
                self.journeys_started.inc(row.started or 0)
                self.journeys_dropped.inc(row.dropped or 0)
        for labels in self._names_seen - fresh:
            self._publish_silence(labels)
        self._names_seen |= fresh
        if self._stairs is not None:
            stage = stage_at(self._stairs, second)
            self.step.set(stage.step if stage else math.nan)
        self._publish_alarms()

    def _publish_row(self, labels: tuple[str, str], row: IntervalRow) -> None:
        requests, failures = float(row.requests), float(row.failures)
        self.tps.labels(*labels).set(requests)
        self.mtt.labels(*labels).set(_number(row.mean_ms))
        for column, gauge in self.percentiles.items():
            gauge.labels(*labels).set(_number(getattr(row, column)))
        self.max.labels(*labels).set(_number(row.max_ms))
        self.error_ratio.labels(*labels).set(failures / requests if requests else math.nan)
        self.requests.labels(*labels).inc(requests)
        self.failures.labels(*labels).inc(failures)

    def _publish_silence(self, labels: tuple[str, str]) -> None:
        self.tps.labels(*labels).set(0)
        for gauge in (self.mtt, *self.percentiles.values(), self.max, self.error_ratio):
            gauge.labels(*labels).set(math.nan)

    def _publish_alarms(self) -> None:
        if self._alarm_states is None:
            return
        for alarm, state in self._alarm_states().items():
            value = ALARM_STATE_VALUES.get(
                str(state), ALARM_STATE_VALUES[AlarmState.INSUFFICIENT_DATA]
            )
            self.alarm_state.labels(alarm).set(value)

    def serve(self, port: int, addr: str = "0.0.0.0") -> Any:
        """Serve ``/metrics`` on ``addr:port`` (0: any free port); returns the HTTP server."""
        self.server, _thread = start_http_server(port, addr=addr, registry=self.registry)
        return self.server

    def close(self) -> None:
        """Stop serving (idempotent)."""
        server = getattr(self, "server", None)
        if server is not None:
            server.shutdown()
            server.server_close()
            self.server = None


def serve_live_metrics(port: int, source: LiveSource, addr: str = "0.0.0.0") -> LiveMetrics:
    """A ``LiveMetrics`` reading ``source``'s seconds, already serving on ``addr:port``."""
    metrics = LiveMetrics(source.stairs, source.alarm_states if source.has_alarms else None)
    source.subscribe(metrics.on_second)
    metrics.serve(port, addr)
    return metrics


def _number(value: float | None) -> float:
    return math.nan if value is None else float(value)
