"""``python -m warmup``: wait for the host, replay real journeys, then mark it warm.

Exit codes: 0 warm; 2 bad option or ``scenarios.yaml``; 3 health never answered 200 or
503; 4 error rate over ``--max-error-rate`` (completion not called); 5 the completion
call did not answer 200; 130 interrupted. Errors are one line on stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

from capacity.errors import CapacityError
from warmup.errors import CompletionFailed, TooManyErrors, UsageError, WarmupError
from warmup.health import status_of, wait_until_up
from warmup.progress import Progress
from warmup.replay import ReplayResult, replay


def main(argv: Sequence[str] | None = None) -> int:
    """Run the warm-up; return its exit code."""
    try:
        args = _parser().parse_args(argv)
        return _warm_up(args)
    except (WarmupError, CapacityError) as error:
        print(f"Error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("Error: interrupted; the host was not marked warm", file=sys.stderr)
        return 130


def _warm_up(args: argparse.Namespace) -> int:
    steps = _scenario_steps(args.scenarios, args.scenario)
    status, waited = wait_until_up(args.host, args.health_path, args.health_timeout)
    state = "ready" if status == 200 else "up, warming up"
    print(f"health: {args.health_path} -> {status} ({state}) after {waited:.1f} s", flush=True)
    progress = Progress(args.requests, sys.stderr)
    result = replay(
        args.host,
        steps,
        requests=args.requests,
        concurrency=args.concurrency,
        users=args.users,
        max_failures=int(args.max_error_rate * args.requests),
        timeout_seconds=args.timeout,
        on_tick=progress.update,
    )
    progress.finish(result.requests)
    for line in summary_lines(result, args.scenario, args.concurrency):
        print(line)
    if result.error_rate > args.max_error_rate or result.stopped_early:
        raise TooManyErrors(
            f"error rate {result.error_rate:.2%} is over --max-error-rate "
            f"{args.max_error_rate:.2%} (first failure: {result.first_failure}); "
            "completion not called"
        )
    if args.complete_path:
        answered = status_of(args.host, "POST", args.complete_path, args.timeout)
        if answered != 200:
            shown = "no answer" if answered is None else str(answered)
            raise CompletionFailed(f"POST {args.complete_path} answered {shown}, expected 200")
        health = status_of(args.host, "GET", args.health_path, args.timeout)
        print(f"completion: POST {args.complete_path} -> 200; {args.health_path} -> {health}")
    return 0


def summary_lines(result: ReplayResult, scenario: str, concurrency: int) -> list[str]:
    """The replay's counts, rate and first/last batch latencies, for people."""
    rate = result.requests / result.elapsed_seconds if result.elapsed_seconds else 0.0
    first, last = result.batch_means(0.1)
    ratio = f" (last/first {last / first:.2f})" if first else ""
    return [
        f"replayed {result.requests:,} requests ({scenario}, {result.journeys:,} journeys, "
        f"{concurrency} threads) in {result.elapsed_seconds:.1f} s: {rate:,.0f} req/s, "
        f"{result.failures:,} failed ({result.error_rate:.2%})",
        f"mean latency: first 10% {first:.1f} ms, last 10% {last:.1f} ms{ratio}",
    ]


def _scenario_steps(path: Path, name: str) -> tuple[str, ...]:
    from capacity.config import load_scenarios
    from journeys import STEPS

    return load_scenarios(path, known_steps=STEPS).scenario(name).steps


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message.removeprefix("argument "))


def _ranged(kind: Callable[[str], float], low: float, high: float) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        try:
            value = kind(raw)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a number (got {raw!r})") from None
        if not low <= value <= high:
            span = f"{_number(low)}..{_number(high)}"
            raise argparse.ArgumentTypeError(f"must be in {span} (got {raw!r})")
        return value

    return parse


def _number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def _base_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(
            f"must be an http(s) URL such as http://127.0.0.1:8080 (got {raw!r})"
        )
    return raw.rstrip("/")


def _path(raw: str) -> str:
    if not raw.startswith("/"):
        raise argparse.ArgumentTypeError(f"must start with / (got {raw!r})")
    return raw


def _parser() -> _Parser:
    parser = _Parser(
        prog="python -m warmup",
        description="Wait for a host, replay a scenario's real journeys against it, "
        "then call its warm-up completion path.",
    )
    add = parser.add_argument
    add(
        "--host",
        type=_base_url,
        default="http://127.0.0.1:8080",
        help="base URL of the host to warm up (default http://127.0.0.1:8080)",
    )
    add("--scenario", required=True, help="scenario of scenarios.yaml whose journeys to replay")
    add(
        "--scenarios",
        type=Path,
        default=Path("scenarios.yaml"),
        help="scenario file (default scenarios.yaml)",
    )
    add("--health-path", type=_path, default="/health", help="health path (default /health)")
    add(
        "--health-timeout",
        type=_ranged(float, 0.1, 86_400),
        default=60.0,
        help="seconds to wait for health to answer 200 or 503 (default 60)",
    )
    add(
        "--requests",
        type=_ranged(int, 1, 10_000_000),
        default=10_000,
        help="requests to replay (default 10000, as in the source story)",
    )
    add(
        "--concurrency",
        type=_ranged(int, 1, 1_000),
        default=20,
        help="threads, each with its own keep-alive connection (default 20)",
    )
    add(
        "--users",
        type=_ranged(int, 1, 1_000_000),
        default=100,
        help="cycle through seeded users user1..userN (default 100)",
    )
    add(
        "--max-error-rate",
        type=_ranged(float, 0.0, 1.0),
        default=0.01,
        help="fail (exit 4) above this share of failed requests (default 0.01)",
    )
    add(
        "--complete-path",
        type=_path,
        default=None,
        help="POST this path once warm, e.g. /warmup/complete (default: none)",
    )
    add(
        "--timeout",
        type=_ranged(float, 0.1, 600),
        default=10.0,
        help="seconds per request (default 10)",
    )
    return parser
