"""``stairload warmup``: wait for the host, replay real journeys, then mark it warm.

Exit codes: ``exit_codes``, the end of ``--help``. Warmup's own (5 and 6) are rows of the
one table, ``stairload.core.exitcodes.ENDINGS``, numbered apart from every code a run uses.
Errors are one line on stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from stairload.core import exitcodes
from stairload.core.argtypes import base_url, bounded
from stairload.core.commandline import Parser, run_cli
from stairload.core.errors import Interrupted, StairloadError, UsageError
from stairload.journeys.journey import Journey
from stairload.options import SCENARIOS
from stairload.warmup.health import status_of, wait_until_up
from stairload.warmup.progress import Progress
from stairload.warmup.replay import ReplayResult, replay


class TooManyErrors(StairloadError):
    """The replay's error rate went past the limit; the host was not marked warm."""

    exit_code = exitcodes.WARMUP_TOO_MANY_ERRORS


class CompletionFailed(StairloadError):
    """The completion call did not answer 200, so the host does not know it is warm."""

    exit_code = exitcodes.WARMUP_COMPLETION_FAILED


def main(argv: Sequence[str] | None = None) -> int:
    """Run the warm-up; return its exit code."""
    return run_cli(_run, argv)


def _run(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _warm_up(args)
    except KeyboardInterrupt:
        raise Interrupted("interrupted; the host was not marked warm") from None


def _warm_up(args: argparse.Namespace) -> int:
    journey = _journey(Path(args.scenarios), args.scenario)
    status, waited = wait_until_up(args.host, args.health_path, args.health_timeout)
    state = "ready" if status == 200 else "up, warming up"
    print(f"health: {args.health_path} -> {status} ({state}) after {waited:.1f} s", flush=True)
    progress = Progress(args.requests, sys.stderr)
    result = replay(
        args.host,
        journey,
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


def _journey(path: Path, name: str) -> Journey:
    from capacity.config import load_scenarios

    journey = load_scenarios(path).scenario(name).journey
    if not journey.steps:
        raise UsageError(f"--scenario: {name!r} has no declarative steps to replay")
    return journey


def _path(raw: str) -> str:
    if not raw.startswith("/"):
        raise argparse.ArgumentTypeError(f"must start with / (got {raw!r})")
    return raw


def exit_codes() -> str:
    """The help's list of exit codes; warmup's own are its rows of ``exitcodes.ENDINGS``."""
    own = [ending for ending in exitcodes.ENDINGS if ending.command == "warmup"]
    lines = [
        f"  {exitcodes.OK:>3}  warm (and marked warm with --complete-path)",
        f"  {exitcodes.USAGE:>3}  bad option or scenarios.yaml",
        f"  {exitcodes.TARGET_UNREACHABLE:>3}  health never answered 200 or 503",
        *(f"  {ending.code:>3}  {ending.meaning}" for ending in own),
        f"  {exitcodes.INTERRUPTED:>3}  interrupted (Ctrl-C); not marked warm",
    ]
    return "\n".join(["exit codes:", *lines])


def _parser() -> Parser:
    parser = Parser(
        prog="stairload warmup",
        description="Wait for a host, replay a scenario's real journeys against it, then call its\n"
        "warm-up completion path.",
        epilog=exit_codes(),
        formatter_class=argparse.RawDescriptionHelpFormatter,  # the exit codes are a list
    )
    add = parser.add_argument
    add(
        "--host",
        type=base_url,
        default="http://127.0.0.1:8080",
        help="base URL of the host to warm up (default http://127.0.0.1:8080)",
    )
    add("--scenario", required=True, help="scenario of scenarios.yaml whose journeys to replay")
    SCENARIOS.add_to(parser)
    add("--health-path", type=_path, default="/health", help="health path (default /health)")
    add(
        "--health-timeout",
        type=bounded(float, 0.1, 86_400),
        default=60.0,
        help="seconds to wait for health to answer 200 or 503 (default 60)",
    )
    add(
        "--requests",
        type=bounded(int, 1, 10_000_000),
        default=10_000,
        help="requests to replay (default 10000, as in the source story)",
    )
    add(
        "--concurrency",
        type=bounded(int, 1, 1_000),
        default=20,
        help="threads, each with its own keep-alive connection (default 20)",
    )
    add(
        "--users",
        type=bounded(int, 1, 1_000_000),
        default=100,
        help="virtual users 1..N the journeys run as; sets the scenario's seeded_users "
        "variable to N (default 100)",
    )
    add(
        "--max-error-rate",
        type=bounded(float, 0.0, 1.0),
        default=0.01,
        help=f"fail (exit {exitcodes.WARMUP_TOO_MANY_ERRORS}) above this share of failed "
        "requests (default 0.01)",
    )
    add(
        "--complete-path",
        type=_path,
        default=None,
        help="POST this path once warm, e.g. /warmup/complete (default: none)",
    )
    add(
        "--timeout",
        type=bounded(float, 0.1, 600),
        default=10.0,
        help="seconds per request (default 10)",
    )
    return parser
