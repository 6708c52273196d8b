"""``stairload report``: parse the arguments, call build or compare, format the result.

Exit codes: 0 PASS; ``--fail-exit-code`` (default 99, like k6's threshold failure) on
FAIL; 98 INCONCLUSIVE (the stress step measured a saturated load generator); 2 for
a run directory the report cannot read (one ``Error:`` line, no traceback).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from reports.console import build_and_report, require_dir
from stairload.core import exitcodes
from stairload.core.argtypes import exit_code
from stairload.core.commandline import Parser, run_cli
from stairload.core.errors import InputError, UsageError


def _parser() -> Parser:
    parser = Parser(
        prog="stairload report",
        description="Read a stairload run directory: step table, charts, verdict, HTML report.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build = commands.add_parser(
        "build",
        help="write report.html, summary.json, steps.csv and charts into RUN_DIR",
        description="Write report.html, summary.json, steps.csv and PNG charts into RUN_DIR. "
        "Exit 0 on PASS, --fail-exit-code on FAIL, 2 when RUN_DIR cannot be read.",
    )
    build.add_argument("run_dir", metavar="RUN_DIR", type=Path)
    build.add_argument(
        "--plan",
        type=Path,
        metavar="SCENARIOS_YAML",
        help="for a plain 'locust --csv RUN_DIR/locust --csv-full-history' run: write "
        "RUN_DIR/run.json from this plan and the plateaus Locust held",
    )
    build.add_argument("--scenario", metavar="NAME", help="with --plan: the scenario run")
    build.add_argument(
        "--case", metavar="NAME", help="with --plan: the case to judge by (default: end case)"
    )
    _exclude_option(build)
    build.add_argument(
        "--fail-exit-code",
        type=exit_code,
        default=exitcodes.VERDICT_FAIL,
        metavar="N",
        help="exit code when the verdict is FAIL (default %(default)s; 0 disables)",
    )
    compare = commands.add_parser(
        "compare",
        help="overlay two runs and write a per-step delta table (HTML + CSV)",
        description="Overlaid TPS and MTT charts and a per-step delta table, steps matched "
        "by user count. Deltas are RUN_B relative to RUN_A.",
    )
    compare.add_argument("run_a", metavar="RUN_A", type=Path)
    compare.add_argument("run_b", metavar="RUN_B", type=Path)
    compare.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="output directory (default: compare-A-vs-B next to RUN_B)",
    )
    _exclude_option(compare)
    return parser


def _exclude_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--exclude-seconds",
        type=float,
        default=0.0,
        metavar="S",
        help="also drop the first S seconds after each step's ramp (default %(default)s)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code."""
    return run_cli(_run, argv)


def _run(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    if args.exclude_seconds < 0:
        raise UsageError(f"--exclude-seconds: must be >= 0 (got {args.exclude_seconds:g})")
    try:
        if args.command == "build":
            if args.plan is not None or args.scenario:
                _plain_run(args)
            return build_and_report(args.run_dir, args.exclude_seconds, args.fail_exit_code)
        return _compare(args.run_a, args.run_b, args.out, args.exclude_seconds)
    except OSError as exc:
        raise InputError(f"{exc.filename or ''}: {exc.strerror or exc}") from None


def _plain_run(args: argparse.Namespace) -> None:
    from reports.plain_locust import NOT_AVAILABLE, write_plain_run_record

    if args.plan is None or not args.scenario:
        raise UsageError("--plan and --scenario go together (a plain Locust run needs both)")
    require_dir(args.run_dir)
    record = write_plain_run_record(args.run_dir, args.plan, args.scenario, args.case)
    steps = ", ".join(str(step.users) for step in record.stairs.steps)
    print(f"run.json: written from {args.plan} ({args.scenario}); plateaus held: {steps} users")
    for missing in NOT_AVAILABLE:
        print(f"not available from the history CSV: {missing}")


def _compare(run_a: Path, run_b: Path, out: Path | None, exclude_seconds: float) -> int:
    from reports.compare import compare, default_out_dir

    require_dir(run_a)
    require_dir(run_b)
    comparison = compare(run_a, run_b, out or default_out_dir(run_a, run_b), exclude_seconds)
    print(f"steps compared: {len(comparison.rows)}")
    print(f"report: {comparison.out_dir / 'compare.html'}")
    return 0
