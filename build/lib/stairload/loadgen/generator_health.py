"""The load generator's own health: CPU, memory and loop lag of every Locust process.

A saturated generator measures itself, not the target, so every process samples its CPU
and memory each second, and its event loop's lag (``loop_lag``); the master gathers every
process's seconds (``seconds`` and ``loop_lag`` in ``run.json``'s ``load_generator``,
from which the report decides which steps are valid),
keeps crossings above 90% CPU as warnings with their time, and notices workers that stop
reporting.
"""

from __future__ import annotations

import logging
from typing import Any

import gevent
import psutil
from locust.runners import MasterRunner, WorkerRunner

from capacity.stairs import stage_at
from stairload.loadgen.cpu_limit import CPU_WARNING_PERCENT, configured_cpu_limit
from stairload.loadgen.loop_lag import LoopLag
from stairload.loadgen.runtime import run_context, runtime

__all__ = ["CPU_WARNING_PERCENT", "LoadGeneratorHealth"]

_REPORT_KEY = "stairload_health"
_log = logging.getLogger("stairload")


class _ProcessHealth:
    def __init__(self, name: str, limit_percent: float) -> None:
        self.name = name
        self.limit_percent = limit_percent
        self.peak_cpu_percent = 0.0
        self.peak_rss_mb = 0.0
        self.warnings: list[dict[str, Any]] = []
        self.seconds: list[list[float]] = []  # [time_s, cpu_percent, rss_mb]
        self.lags: list[list[float]] = []  # [time_s, loop lag p99 ms, mean ms] when probed
        self.monitor_error: dict[str, Any] | None = None  # the first sampling failure
        self.monitor_failures = 0  # seconds whose sample failed
        self._above = False

    def sample(
        self,
        time_s: float,
        cpu_percent: float,
        rss_mb: float,
        lag_ms: tuple[float, float] | None = None,
    ) -> None:
        self.seconds.append([round(time_s, 1), round(cpu_percent, 1), round(rss_mb, 1)])
        if lag_ms is not None:
            self.lags.append([round(time_s, 1), round(lag_ms[0], 2), round(lag_ms[1], 2)])
        self.peak_cpu_percent = max(self.peak_cpu_percent, cpu_percent)
        self.peak_rss_mb = max(self.peak_rss_mb, rss_mb)
        above = cpu_percent > self.limit_percent
        if above and not self._above:  # run.json keeps every crossing
            self.warnings.append(
                {
                    "time_s": round(time_s, 1),
                    "process": self.name,
                    "cpu_percent": round(cpu_percent, 1),
                }
            )
        self._above = above

    def summary(self) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "process": self.name,
            "peak_cpu_percent": round(self.peak_cpu_percent, 1),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
        }
        if self.monitor_error is not None:
            summary["monitor_error"] = {**self.monitor_error, "seconds": self.monitor_failures}
        return summary


class LoadGeneratorHealth:
    """One per Locust process; the master (or the local process) holds the whole picture."""

    def __init__(self, environment: Any, cpu_limit: float | None = None) -> None:
        self.environment = environment
        cpu_limit_percent = cpu_limit if cpu_limit is not None else configured_cpu_limit()
        runner = environment.runner
        self._is_master = isinstance(runner, MasterRunner)
        self._is_worker = isinstance(runner, WorkerRunner)
        name = "master" if self._is_master else "worker" if self._is_worker else "local"
        self.limit_percent = cpu_limit_percent
        self.own = _ProcessHealth(name, cpu_limit_percent)
        self._announced: set[tuple[str, int]] = set()
        self._latest: dict[str, float] = {}
        self.workers: dict[str, dict[str, Any]] = {}
        self.warnings: list[dict[str, Any]] = []
        self.lost_workers: list[dict[str, Any]] = []
        self._known_missing: set[str] = set()
        self._sent_warnings = 0
        self._sent_seconds = 0
        self._sent_lags = 0
        self.worker_seconds: dict[str, list[list[float]]] = {}
        self.worker_lags: dict[str, list[list[float]]] = {}
        self._greenlet: gevent.Greenlet | None = None
        self.loop_lag = LoopLag()
        if self._is_worker:
            environment.events.report_to_master.add_listener(self._on_report_to_master)
        if self._is_master:
            environment.events.worker_report.add_listener(self._on_worker_report)
        runtime(environment).on_start.append(self._on_start)

    def _on_start(self, _t0: float) -> None:
        if self._greenlet is None:
            self.loop_lag.start()
            self._greenlet = gevent.spawn(self._sample_loop)

    def _sample_loop(self) -> None:
        process = psutil.Process()
        process.cpu_percent()
        while True:
            gevent.sleep(1.0)
            elapsed = runtime(self.environment).elapsed()
            try:
                rss_mb = process.memory_info().rss / 2**20
                self.own.sample(elapsed, process.cpu_percent(), rss_mb, self.loop_lag.take())
            except Exception as error:  # recorded and reported (run.json, caveat), never silent
                self._monitor_failed(elapsed, error)
            else:
                if not self._is_worker:
                    self._watch(self.own.name, self.own.seconds[-1:])
            if self._is_master:
                self._check_workers(elapsed)

    def _monitor_failed(self, elapsed: float, error: Exception) -> None:
        """A second whose CPU sample failed: the first failure is logged and recorded."""
        self.own.monitor_failures += 1
        if self.own.monitor_error is None:
            text = f"{error.__class__.__name__}: {error}"
            self.own.monitor_error = {"time_s": round(elapsed, 1), "error": text}
            _log.error(
                "load generator %s: its CPU could not be sampled at t=%.0fs (%s); "
                "whether it was saturated is unknown for the seconds it misses",
                self.own.name,
                elapsed,
                text,
            )

    def _watch(self, process: str, seconds: list[list[float]]) -> None:
        """Log the first second above the limit of each process in each step, once."""
        stairs = run_context(self.environment).stairs
        for time_s, cpu_percent, _rss in seconds:
            self._latest[process] = cpu_percent
            stage = stage_at(stairs, max(0.0, time_s - 0.5))
            if cpu_percent <= self.limit_percent or stage is None:
                continue
            key = (process, stage.step)
            if key in self._announced:
                continue
            self._announced.add(key)
            _log.warning(
                "load generator %s: CPU %.0f%% > %.0f%% at t=%.0fs in step %d: if this lasts "
                "more than a tenth of the step, the step measures the generator, not the "
                "target (the report then says INCONCLUSIVE and how many workers to use)",
                process,
                cpu_percent,
                self.limit_percent,
                time_s,
                stage.step,
            )

    def latest_cpu(self) -> str:
        """The busiest process's last CPU sample, e.g. '97% (worker-2)'; '' before any."""
        if not self._latest:
            return ""
        process = max(self._latest, key=lambda name: self._latest[name])
        return f"{self._latest[process]:.0f}% ({process})"

    def _check_workers(self, elapsed: float) -> None:
        for client in self.environment.runner.clients.all:
            if client.state == "missing" and client.id not in self._known_missing:
                self._known_missing.add(client.id)
                name = self._worker_name(client.id)
                self.lost_workers.append(
                    {
                        "time_s": round(elapsed, 1),
                        "worker": name,
                        "reason": "stopped sending heartbeats",
                    }
                )
                _log.error("%s stopped sending heartbeats: its users are lost", name)

    def _worker_name(self, client_id: str) -> str:
        index = self.environment.runner.get_worker_index(client_id)
        name = f"worker-{index + 1}"  # Locust counts from 0; the log files from 1
        handshake = runtime(self.environment).extras.get("handshake")
        remote = handshake.names.get(client_id) if handshake is not None else None
        return f"{name} {remote}" if remote else name

    def _on_report_to_master(self, client_id: str, data: dict[str, Any]) -> None:
        fresh = self.own.warnings[self._sent_warnings :]
        self._sent_warnings = len(self.own.warnings)
        seconds = self.own.seconds[self._sent_seconds :]
        self._sent_seconds = len(self.own.seconds)
        lags = self.own.lags[self._sent_lags :]
        self._sent_lags = len(self.own.lags)
        data[_REPORT_KEY] = {
            **self.own.summary(),
            "warnings": fresh,
            "seconds": seconds,
            "loop_lag": lags,
        }

    def _on_worker_report(self, client_id: str, data: dict[str, Any]) -> None:
        report = data.get(_REPORT_KEY)
        if report is None:
            return
        name = self._worker_name(client_id)
        self.workers[name] = {**report, "process": name}
        self.workers[name].pop("warnings", None)
        self.workers[name].pop("seconds", None)
        self.workers[name].pop("loop_lag", None)
        fresh_seconds = report.get("seconds", [])
        self.worker_seconds.setdefault(name, []).extend(fresh_seconds)
        self.worker_lags.setdefault(name, []).extend(report.get("loop_lag", []))
        self._watch(name, fresh_seconds)
        self.warnings.extend({**warning, "process": name} for warning in report["warnings"])

    def stop(self) -> None:
        """Stop sampling."""
        if self._greenlet is not None:
            self._greenlet.kill(block=False)
        self.loop_lag.stop()

    def record(self) -> dict[str, Any]:
        """The ``load_generator`` section of ``run.json``."""
        warnings = sorted([*self.own.warnings, *self.warnings], key=lambda w: w["time_s"])
        return {
            "cpu_warning_percent": self.limit_percent,
            "cpu_warnings": warnings,
            "processes": [self.own.summary(), *self.workers.values()],
            "saturated": bool(warnings),
            "lost_workers": self.lost_workers,
            "monitor_errors": [
                {"process": summary["process"], **summary["monitor_error"]}
                for summary in [self.own.summary(), *self.workers.values()]
                if isinstance(summary.get("monitor_error"), dict)
            ],
            "seconds": {self.own.name: self.own.seconds, **self.worker_seconds},
            "loop_lag": {self.own.name: self.own.lags, **self.worker_lags},
        }
