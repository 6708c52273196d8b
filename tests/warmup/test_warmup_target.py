"""The warm-up against the embedded target started with its warm-up gate."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from capacity.config import load_scenarios
from stairload.cli.warmup import main
from stairload.target.testing import call, start_target
from stairload.warmup.replay import replay

SCENARIOS = str(Path(__file__).parents[2] / "scenarios.yaml")
SCENARIO2 = load_scenarios(SCENARIOS).scenario("scenario2").journey


@pytest.mark.integration
def test_warmup_turns_health_from_503_to_200(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Replaying scenario 2 then calling the completion path makes the gated target healthy."""
    with start_target(tmp_path, users=20, require_warmup=True) as base_url:
        assert call(base_url, "GET", "/health")[0] == 503
        argv = [
            "--host",
            base_url,
            "--scenario",
            "scenario2",
            "--scenarios",
            SCENARIOS,
            "--requests",
            "600",
            "--concurrency",
            "4",
            "--users",
            "20",
            "--complete-path",
            "/warmup/complete",
        ]
        assert main(argv) == 0
        assert call(base_url, "GET", "/health") == (200, {"status": "ok"})
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].startswith("health: /health -> 503 (up, warming up) after ")
    assert re.fullmatch(
        r"replayed 600 requests \(scenario2, \d+ journeys, 4 threads\) in "
        r"[\d.]+ s: [\d,]+ req/s, 0 failed \(0\.00%\)",
        lines[1],
    )
    assert re.fullmatch(
        r"mean latency: first 10% [\d.]+ ms, last 10% [\d.]+ ms "
        r"\(last/first [\d.]+\)",
        lines[2],
    )
    assert lines[3] == "completion: POST /warmup/complete -> 200; /health -> 200"
    assert err.splitlines()[-1] == "warm-up: 100% (600/600 requests)"


@pytest.mark.integration
def test_error_rate_over_the_limit_exits_6_and_keeps_the_gate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Logging in as users the target never seeded fails; exit 6 and health stays 503."""
    with start_target(tmp_path, users=2, require_warmup=True) as base_url:
        argv = [
            "--host",
            base_url,
            "--scenario",
            "scenario2",
            "--scenarios",
            SCENARIOS,
            "--requests",
            "300",
            "--concurrency",
            "2",
            "--users",
            "50",
            "--complete-path",
            "/warmup/complete",
        ]
        assert main(argv) == 6
        assert call(base_url, "GET", "/health")[0] == 503
    err = capsys.readouterr().err.splitlines()[-1]
    assert err.startswith("Error: error rate ")
    assert err.endswith("; completion not called")


@pytest.mark.integration
def test_replay_sends_exactly_the_requested_count(tmp_path: Path) -> None:
    """With 7 threads and 9-step journeys, the replay still stops at exactly 250 requests."""
    with start_target(tmp_path, users=10) as base_url:
        result = replay(base_url, SCENARIO2, requests=250, concurrency=7, users=10, max_failures=0)
    assert (result.requests, result.failures, result.stopped_early) == (250, 0, False)
    assert len(result.latencies_ms) == 250
    assert 250 // 9 - 7 <= result.journeys <= 250 // 9
