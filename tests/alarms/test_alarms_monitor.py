"""AlarmMonitor: per-second samples in, alarms.jsonl and Slack posts out, never in the way."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest
from alarms_webhook import SECRET_PATH, Webhook

from stairload.alarms.config import parse_alarms
from stairload.alarms.monitor import AlarmMonitor, webhook_notifier
from stairload.alarms.notifier import WebhookNotifier
from stairload.rundir import IntervalRow

SETTINGS = parse_alarms(
    {
        "link": "http://127.0.0.1:8089/",
        "rules": [
            {
                "name": "MTT over target",
                "description": "Mean response time at or above 500 ms",
                "metric": "mtt_ms",
                "comparison": "GreaterThanOrEqualToThreshold",
                "threshold": 500,
                "period_seconds": 2,
                "evaluation_periods": 2,
            }
        ],
    },
    "scenarios.yaml",
)
CHANGED_AT = 1733670000.0  # 2024-12-08 15:00:00 UTC = 2024-12-09 00:00:00 KST


def _sample(mtt_ms: float | None, requests: float = 10) -> dict[str, float | None]:
    return {
        "requests": requests,
        "failures": 0,
        "mtt_ms": mtt_ms,
        "p95_ms": mtt_ms,
        "tps": requests,
        "users": 5,
        "target_cpu_percent": None,
    }


def _run(monitor: AlarmMonitor, mtts: list[float | None]) -> None:
    for second, mtt in enumerate(mtts):
        monitor.observe(float(second), _sample(mtt))


def _records(run_dir: Path) -> list[dict[str, object]]:
    lines = (run_dir / "alarms.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_alarm_and_recovery_post_two_exact_messages(webhook: Webhook, tmp_path: Path) -> None:
    """Slow then fast seconds post ALARM then OK, each payload exactly as specified."""
    notifier = WebhookNotifier(webhook.url)
    monitor = AlarmMonitor(SETTINGS, tmp_path, notifier, clock=lambda: CHANGED_AT)
    _run(monitor, [600.0] * 4 + [100.0] * 4 + [100.0])
    monitor.close()
    posts = webhook.wait_for(2)
    assert [p["attachments"][0]["color"] for p in posts] == ["danger", "good"]
    assert posts[0] == {
        "attachments": [
            {
                "title": "[MTT over target]",
                "color": "danger",
                "fields": [
                    {"title": "언제", "value": "2024-12-09 00:00:00"},
                    {"title": "설명", "value": "Mean response time at or above 500 ms"},
                    {"title": "원인", "value": "최근 4초 동안 2개 구간 중 2개 구간에서 MTT >= 500"},
                    {"title": "이전 상태", "value": "데이터 부족", "short": True},
                    {"title": "현재 상태", "value": "*위험*", "short": True},
                    {"title": "바로가기", "value": "http://127.0.0.1:8089/"},
                ],
            }
        ]
    }
    fields = posts[1]["attachments"][0]["fields"]
    assert [f["value"] for f in fields[2:5]] == [
        "최근 4초 동안 2개 구간 중 1개 구간에서 MTT >= 500",
        "위험",
        "*정상*",
    ]


def test_every_state_change_is_one_jsonl_line(tmp_path: Path) -> None:
    """alarms.jsonl gets one object per change with time, states, reason and datapoints."""
    monitor = AlarmMonitor(SETTINGS, tmp_path, None, clock=lambda: CHANGED_AT)
    _run(monitor, [600.0] * 4 + [100.0] * 4 + [100.0])
    monitor.close()
    first, second = _records(tmp_path)
    assert first == {
        "time_s": 4,
        "timestamp": "2024-12-08T15:00:00+00:00",
        "alarm": "MTT over target",
        "old_state": "INSUFFICIENT_DATA",
        "new_state": "ALARM",
        "reason": "evaluation range [600, 600] against >= 500: 2 of 2 evaluated datapoints "
        "breaching, 2 needed for ALARM (missing data treated as missing)",
        "metric": "mtt_ms",
        "comparison": "GreaterThanOrEqualToThreshold",
        "threshold": 500.0,
        "period_seconds": 2,
        "datapoints": [600.0, 600.0],
    }
    assert (second["time_s"], second["old_state"], second["new_state"]) == (6, "ALARM", "OK")
    assert monitor.states == {"MTT over target": "OK"}


def test_without_a_webhook_alarms_are_still_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No webhook variable: no notifier, and the changes still land in alarms.jsonl."""
    monkeypatch.delenv("SLACK_WEBHOOK_URL", raising=False)
    notifier = webhook_notifier(SETTINGS)
    assert notifier is None
    monitor = AlarmMonitor(SETTINGS, tmp_path, notifier)
    _run(monitor, [600.0] * 5)
    monitor.close()
    assert [r["new_state"] for r in _records(tmp_path)] == ["ALARM"]


def test_dead_webhook_never_breaks_the_run(
    dead_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """With the webhook down, observe and close return, one log line per lost message."""
    notifier = WebhookNotifier(dead_url, attempts=2, backoff_seconds=0.01)
    monitor = AlarmMonitor(SETTINGS, tmp_path, notifier)
    with caplog.at_level(logging.WARNING, logger="stairload.alarms"):
        _run(monitor, [600.0] * 4 + [100.0] * 5)
        monitor.close()
    assert [r["new_state"] for r in _records(tmp_path)] == ["ALARM", "OK"]
    assert notifier.failed == 2
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2
    assert all(
        m.startswith("alarm webhook post failed after 2 attempts: cannot connect (")
        for m in messages
    )


def test_server_errors_are_retried_then_logged(
    webhook: Webhook, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An HTTP 500 is retried with backoff, then logged once as 'HTTP 500'."""
    webhook.status = 500
    notifier = WebhookNotifier(webhook.url, attempts=3, backoff_seconds=0.01)
    with caplog.at_level(logging.WARNING, logger="stairload.alarms"):
        notifier.notify({"text": "x"})
        notifier.close()
    assert webhook.attempts == 3
    assert [r.getMessage() for r in caplog.records] == [
        "alarm webhook post failed after 3 attempts: HTTP 500"
    ]


def test_notify_does_not_wait_for_a_slow_webhook(webhook: Webhook, tmp_path: Path) -> None:
    """observe returns at once even when the webhook takes a second to answer."""
    webhook.delay_seconds = 0.3
    notifier = WebhookNotifier(webhook.url)
    monitor = AlarmMonitor(SETTINGS, tmp_path, notifier)
    started = time.perf_counter()
    _run(monitor, [600.0] * 4 + [100.0] * 5)
    elapsed = time.perf_counter() - started
    monitor.close()
    assert elapsed < 0.1
    assert len(webhook.wait_for(2)) == 2


def test_webhook_url_never_reaches_logs_or_run_files(
    webhook: Webhook,
    dead_url: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Neither the log, nor any file of the run directory, nor a repr shows the webhook URL."""
    monkeypatch.setenv("SLACK_WEBHOOK_URL", dead_url)
    with caplog.at_level(logging.DEBUG):
        notifier = webhook_notifier(SETTINGS)
        assert notifier is not None
        notifier._backoff_seconds = 0.0
        monitor = AlarmMonitor(SETTINGS, tmp_path, notifier)
        _run(monitor, [600.0] * 4 + [100.0] * 5)
        monitor.close()
    written = "".join(p.read_text(encoding="utf-8") for p in tmp_path.iterdir())
    shown = caplog.text + written + repr(notifier) + repr(monitor.settings)
    assert "alarm webhook post failed" in caplog.text
    assert SECRET_PATH not in shown and "xoxSecretToken" not in shown


def test_intervals_listener_observes_the_total_rows(tmp_path: Path) -> None:
    """on_second takes intervals.csv rows and feeds only the Total row, empty cells unknown."""
    monitor = AlarmMonitor(SETTINGS, tmp_path, None)
    for second in range(5):
        named = IntervalRow(second, 0.0, "GET", "/trips", 5, 5, 1, 0, mean_ms=9000.0)
        total = IntervalRow(second, 0.0, "", "Total", 5, 5, 2, 0, mean_ms=700.0, p95_ms=900)
        monitor.on_second(second, [named, total])
    monitor.on_second(5, [IntervalRow(5, 0.0, "", "Total", None, None, 0, 0)])
    assert monitor.transitions[0].datapoints == (700.0, 700.0)
    assert monitor.states == {"MTT over target": "ALARM"}


def test_unwritable_run_directory_is_logged_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A run directory that cannot be written costs one log line per change, not the run."""
    monitor = AlarmMonitor(SETTINGS, tmp_path / "missing", None)
    with caplog.at_level(logging.WARNING, logger="stairload.alarms"):
        _run(monitor, [600.0] * 5)
    assert monitor.states == {"MTT over target": "ALARM"}
    assert [r.getMessage() for r in caplog.records] == [
        f"{tmp_path / 'missing' / 'alarms.jsonl'}: not writable (No such file or directory)"
    ]


def test_a_file_webhook_url_is_refused_for_the_run(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file:// webhook gives no notifier and one warning without the URL."""
    secret = tmp_path / "xoxSecretToken"
    monkeypatch.setenv("SLACK_WEBHOOK_URL", secret.as_uri())
    with caplog.at_level(logging.WARNING):
        assert webhook_notifier(SETTINGS) is None
    assert caplog.messages == [
        "alarm webhook not used: SLACK_WEBHOOK_URL must be an http:// or https:// URL "
        "(got scheme 'file'); alarms are recorded only"
    ]


def test_an_abort_rule_calls_back_once_on_alarm(tmp_path: Path) -> None:
    """A rule with abort: true calls on_abort at its first ALARM and marks the record."""
    settings = SETTINGS.with_abort_on(("MTT over target",))
    aborted: list[str] = []
    monitor = AlarmMonitor(
        settings, tmp_path, None, on_abort=lambda change: aborted.append(change.reason)
    )
    _run(monitor, [600.0] * 4 + [100.0] * 4 + [600.0] * 5)
    assert len(aborted) == 1
    assert monitor.aborted_by is not None and monitor.aborted_by.time_s == 4
    assert [r.get("aborts_run", False) for r in _records(tmp_path)] == [True, False, False]


def test_a_rule_without_abort_never_calls_back(tmp_path: Path) -> None:
    """Without abort, ALARM is recorded and the run goes on."""
    aborted: list[object] = []
    monitor = AlarmMonitor(SETTINGS, tmp_path, None, on_abort=aborted.append)
    _run(monitor, [600.0] * 5)
    assert aborted == [] and monitor.aborted_by is None
