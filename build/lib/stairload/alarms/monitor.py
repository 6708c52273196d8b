"""Alarms evaluated during a run: per-second samples in, ``alarms.jsonl`` and Slack posts out.

Wiring on the Locust master (three calls)::

    monitor = AlarmMonitor(settings, run_dir, webhook_notifier(settings))
    recorder.listeners.append(monitor.on_second)   # or monitor.observe(time_s, sample) each second
    monitor.close()                                # when the run ends
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stairload.alarms.config import AlarmRule, AlarmSettings
from stairload.alarms.notifier import LOG, Notifier, WebhookNotifier, webhook_url
from stairload.alarms.periods import PeriodAggregator
from stairload.alarms.slack import AlarmMessage, slack_payload
from stairload.alarms.state import AlarmEvaluator, AlarmState, Transition
from stairload.alarms.wording import metric_label, threshold_cause
from stairload.core.urls import url_problem
from stairload.rundir import ALARMS_JSONL, IntervalRow, total_row
from stairload.rundir.atomic import RunDirFault, Stream
from stairload.rundir.latency import LatencyHistogram


def webhook_notifier(settings: AlarmSettings) -> WebhookNotifier | None:
    """A notifier posting to the URL in ``settings.webhook_env``; None when unset or unusable.

    An unusable URL (not http/https) is logged once, without the URL, and never opened.
    """
    url = webhook_url(settings.webhook_env)
    if url is None:
        return None
    problem = url_problem(url, secret=True)
    if problem:
        LOG.warning(
            "alarm webhook not used: %s %s; alarms are recorded only", settings.webhook_env, problem
        )
        return None
    return WebhookNotifier(url)


class AlarmMonitor:
    """Evaluates every rule as samples arrive; records and announces each state change.

    ``observe`` does arithmetic and, on a state change, one small file append and a
    queue put: it never waits for the network. Without a notifier, alarms are still
    evaluated and written to ``alarms.jsonl``.
    """

    def __init__(
        self,
        settings: AlarmSettings,
        run_dir: Path,
        notifier: Notifier | None = None,
        *,
        clock: Callable[[], float] = time.time,
        on_abort: Callable[[Transition], None] | None = None,
    ) -> None:
        self.settings = settings
        self._on_abort = on_abort
        self.aborted_by: Transition | None = None
        self.path = Path(run_dir) / ALARMS_JSONL
        self._notifier = notifier
        self._clock = clock
        self._evaluators = [AlarmEvaluator(rule) for rule in settings.rules]
        self._aggregators = {
            seconds: PeriodAggregator(seconds)
            for seconds in sorted({rule.period_seconds for rule in settings.rules})
        }
        self.transitions: list[Transition] = []
        self.records: list[dict[str, object]] = []  # alarms.jsonl's lines, as written (live page)

    @property
    def states(self) -> dict[str, AlarmState]:
        """Each rule's current state, by alarm name."""
        return {evaluator.rule.name: evaluator.state for evaluator in self._evaluators}

    def observe(self, time_s: float, sample: Mapping[str, Any]) -> None:
        """Take the sample of the second starting ``time_s`` seconds into the run."""
        for seconds, aggregator in self._aggregators.items():
            for period in aggregator.add(time_s, sample):
                for evaluator in self._evaluators:
                    if evaluator.rule.period_seconds != seconds:
                        continue
                    value = period.values[evaluator.rule.metric]
                    transition = evaluator.add(value, period.end_s)
                    if transition is not None:
                        self._announce(transition)

    def on_second(self, second: int, rows: Sequence[IntervalRow]) -> None:
        """An ``intervals.csv`` listener: observe the ``Total`` row of each written second."""
        total = total_row(rows)
        if total is not None:
            self.observe(float(second), sample_from_row(total))

    def close(self) -> None:
        """Post what is still queued (bounded wait). An open, incomplete period is not evaluated."""
        if self._notifier is not None:
            self._notifier.close()

    def _announce(self, transition: Transition) -> None:
        self.transitions.append(transition)
        changed_at = datetime.fromtimestamp(self._clock(), UTC)
        aborts = (
            transition.rule.abort
            and transition.new_state is AlarmState.ALARM
            and self.aborted_by is None
        )
        self._append(transition, changed_at, aborts=aborts)
        if self._notifier is not None:
            self._notifier.notify(self.payload(transition, changed_at))
        if aborts:
            self.aborted_by = transition
            if self._on_abort is not None:
                self._on_abort(transition)

    def payload(self, transition: Transition, changed_at: datetime) -> dict[str, object]:
        """The Slack payload announcing ``transition``."""
        settings = self.settings
        message = AlarmMessage(
            name=transition.rule.name,
            description=transition.rule.description,
            cause=_cause(settings, transition.rule, transition.breaching),
            old_state=transition.old_state.value,
            new_state=transition.new_state.value,
            changed_at=changed_at,
            link=settings.link,
        )
        return slack_payload(message, settings.language, settings.time_zone)

    def _append(self, transition: Transition, changed_at: datetime, *, aborts: bool) -> None:
        rule = transition.rule
        record = {
            "time_s": transition.time_s,
            "timestamp": changed_at.isoformat(),
            "alarm": rule.name,
            "old_state": transition.old_state.value,
            "new_state": transition.new_state.value,
            "reason": transition.reason,
            "metric": rule.metric.value,
            "comparison": rule.comparison.value,
            "threshold": rule.threshold,
            "period_seconds": rule.period_seconds,
            "datapoints": list(transition.datapoints),
        }
        if aborts:
            record["aborts_run"] = True
        self.records.append(record)
        try:  # never through a symlink; a line the disk took half of is cut back
            stream = Stream(self.path, append=True)
            try:
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            finally:
                stream.close()
        except RunDirFault as fault:
            LOG.warning("%s", fault)


def sample_from_row(row: IntervalRow) -> dict[str, Any]:
    """The alarm sample of one ``intervals.csv`` row (None is unknown)."""
    return {
        "histogram": LatencyHistogram.from_cell(row.histogram) if row.histogram else None,
        "requests": float(row.requests),
        "failures": float(row.failures),
        "mtt_ms": row.mean_ms,
        "p95_ms": row.p95_ms,
        "tps": float(row.requests),
        "users": None if row.users is None else float(row.users),
        "target_cpu_percent": row.target_cpu_percent,
    }


def _cause(settings: AlarmSettings, rule: AlarmRule, breaching: int) -> str:
    return threshold_cause(
        settings.language,
        breaching=breaching,
        periods=rule.evaluation_periods,
        period_seconds=rule.period_seconds,
        metric=metric_label(settings.language, rule.metric),
        symbol=rule.comparison.symbol,
        threshold=rule.threshold,
    )
