"""How an instance's latency falls over its first requests: a cold start, measured.

Starts one instance from a command template, replays a scenario's real journeys against it
on loopback with one thread (so every latency is one request's own, with no queueing), and
cuts the latencies in batches of ``batch`` requests in the order they were sent.
"""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from stairload.scaleout import instances


@dataclass(frozen=True)
class Batch:
    """One batch of consecutive requests."""

    first: int  # 1-based number of its first request
    last: int
    mean_ms: float
    median_ms: float


def batches(latencies_ms: Sequence[float], size: int) -> list[Batch]:
    """Consecutive batches of ``size`` latencies (the last one may be shorter)."""
    return [
        Batch(
            first=start + 1,
            last=start + len(chunk),
            mean_ms=statistics.fmean(chunk),
            median_ms=statistics.median(chunk),
        )
        for start in range(0, len(latencies_ms), size)
        if (chunk := latencies_ms[start : start + size])
    ]


def replay_latencies(
    base_url: str, scenarios_path: Path, scenario: str, requests: int, users: int
) -> list[float]:
    """Latencies (ms) of ``requests`` journey requests, one thread, in the order sent."""
    from capacity.config import load_scenarios
    from stairload.warmup.replay import replay

    journey = load_scenarios(scenarios_path).scenario(scenario).journey
    result = replay(
        base_url, journey, requests=requests, concurrency=1, users=users, max_failures=0
    )
    if result.failures:
        raise instances.InstanceError(
            f"{base_url}: {result.failures} of {result.requests} requests failed "
            f"(first: {result.first_failure})"
        )
    return list(result.latencies_ms)


def measure_cold_start(
    template: str,
    port: int,
    *,
    scenarios_path: Path,
    scenario: str,
    requests: int,
    users: int = 1000,
    health_path: str = "/health",
) -> list[float]:
    """Start a fresh instance, replay ``requests`` requests against it, stop it."""
    with tempfile.TemporaryDirectory(prefix="coldstart-") as log_dir:
        instance = instances.launch(
            template,
            "cold",
            port,
            {"users": str(users), "db": "", "run_dir": log_dir},
            Path(log_dir),
        )
        try:
            instances.wait_until_answering(instance, health_path, timeout_seconds=60)
            return replay_latencies(instance.url, scenarios_path, scenario, requests, users)
        finally:
            instances.stop(instance)


def markdown_table(rows: Sequence[Batch]) -> str:
    """The batches as a Markdown table, with each batch's mean relative to the last one."""
    last = rows[-1].mean_ms if rows else 0.0
    lines = [
        "| requests | mean ms | median ms | mean / last batch's |",
        "|---|---|---|---|",
    ]
    for row in rows:
        ratio = f"{row.mean_ms / last:.1f}x" if last else "-"
        lines.append(
            f"| {row.first:,}-{row.last:,} | {row.mean_ms:.3f} | {row.median_ms:.3f} | {ratio} |"
        )
    return "\n".join(lines)
