"""Alarms during a real run: a rule goes to ALARM and back to OK, and Slack hears both."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from exact_totals import assert_exact_totals
from stressrun_helpers import ROOT

pytestmark = pytest.mark.integration

# Users below 15 breach: the stair starts at 12 (ALARM) and climbs past 15 (OK). A period
# of 20 s shrinks to 1 s at time scale 0.05.
_RULE = {
    "name": "Too few users",
    "description": "Fewer than 15 users running",
    "metric": "users",
    "comparison": "LessThanThreshold",
    "threshold": 15,
    "period_seconds": 20,
    "evaluation_periods": 1,
    "datapoints_to_alarm": 1,
    "treat_missing_data": "notBreaching",
}


@pytest.fixture
def scenarios_file(tmp_path: Path) -> Path:
    document = yaml.safe_load((ROOT / "scenarios.yaml").read_text())
    document["alarms"]["rules"] = [_RULE]
    document["alarms"]["language"] = "en"
    path = tmp_path / "scenarios.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict[str, object]]]]:
    posts: list[dict[str, object]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            posts.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/services/T0/B0/secret", posts
    server.shutdown()
    server.server_close()


def _run(scenarios: Path, run_dir: Path, webhook_url: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "stairload",
        "run",
        "scenario2",
        "--no-probes",
        "--scenarios",
        str(scenarios),
        "--time-scale",
        "0.05",
        "--users-scale",
        "0.01",
        "--end-users",
        "1600",
        "--hold-seconds",
        "40",
        "--target-users",
        "300",
        "--run-dir",
        str(run_dir),
        "--no-report",
    ]
    return subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, "SLACK_WEBHOOK_URL": webhook_url},
    )


def test_a_rule_goes_to_alarm_and_back_to_ok_and_both_messages_arrive(
    scenarios_file: Path, webhook: tuple[str, list[dict[str, object]]], tmp_path: Path
) -> None:
    """The master evaluates the rule each period; Slack gets danger, then good."""
    url, posts = webhook
    result = _run(scenarios_file, tmp_path / "run", url)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    colors = [post["attachments"][0]["color"] for post in posts]  # type: ignore[index]
    titles = {post["attachments"][0]["title"] for post in posts}  # type: ignore[index]
    assert colors == ["danger", "good"]
    assert titles == {"[Too few users]"}
    changes = [
        json.loads(line) for line in (tmp_path / "run" / "alarms.jsonl").read_text().splitlines()
    ]
    assert [change["new_state"] for change in changes] == ["ALARM", "OK"]
    assert url not in (tmp_path / "run" / "alarms.jsonl").read_text() + result.stdout
    assert_exact_totals(tmp_path / "run")


def test_a_dead_webhook_does_not_break_the_run(scenarios_file: Path, tmp_path: Path) -> None:
    """With the webhook down the run completes, the alarms are recorded, failures logged."""
    result = _run(scenarios_file, tmp_path / "run", "http://127.0.0.1:9/hook")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    changes = [
        json.loads(line) for line in (tmp_path / "run" / "alarms.jsonl").read_text().splitlines()
    ]
    assert [change["new_state"] for change in changes] == ["ALARM", "OK"]
    record = json.loads((tmp_path / "run" / "run.json").read_text())
    assert record["exit_reason"] == "completed"
    assert_exact_totals(tmp_path / "run")
    assert "webhook" in (result.stdout + result.stderr).lower()
