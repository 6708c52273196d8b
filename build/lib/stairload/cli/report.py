"""``stairload report``: parse the arguments, call build or compare, format the result.

Exit codes: 0 PASS; ``--fail-exit-code`` (default 99, like k6's threshold failure) on
FAIL; 98 INCONCLUSIVE (the stress step measured a saturated load generator); 2 for
a run directory the report cannot read (one ``Error:`` line, no traceback).
``gate``: 0 when nothing regressed, 96 on a regression, 98 when either run is invalid.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reports.console import build_and_report, require_dir
from stairload.core import exitcodes
from stairload.core.argtypes import bounded, exit_code, number
from stairload.core.commandline import Parser, run_cli
from stairload.core.errors import InputError, UsageError
from stairload.options import SCENARIOS
from stairload.rundir.files import COMPARE_HTML

if TYPE_CHECKING:
    from capacity.config import RegressionRules

# --mtt-worse-pct ...: the rules of thresholds.regression in scenarios.yaml, field by field
_RULE_OPTIONS = (
    (
        "--mtt-worse-pct",
        "mtt_worse_pct",
        1000.0,
        "a step's MTT may be at most P%% above the baseline's",
    ),
    (
        "--p95-worse-pct",
        "p95_worse_pct",
        1000.0,
        "a step's p95 may be at most P%% above the baseline's",
    ),
    (
        "--tps-lower-pct",
        "tps_lower_pct",
        100.0,
        "a step's TPS may be at most P%% below the baseline's",
    ),
    (
        "--error-rate-points",
        "error_rate_points",
        100.0,
        "an error rate may be at most the baseline's plus P percentage points",
    ),
)


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
        "--junit",
        type=Path,
        metavar="PATH",
        help="also write the JUnit XML (RUN_DIR/junit.xml: a test case per check and per step) "
        "to PATH",
    )
    build.add_argument(
        "--markdown",
        type=Path,
        metavar="PATH",
        help="also write the Markdown summary (RUN_DIR/summary.md) to PATH, e.g. "
        '"$GITHUB_STEP_SUMMARY"',
    )
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
    _gate_parser(commands)
    return parser


def _gate_parser(commands: argparse._SubParsersAction) -> None:
    gate = commands.add_parser(
        "gate",
        help="judge RUN against a BASELINE run: exit 96 when a step regressed",
        description="Compare RUN with BASELINE step by step (steps matched by user count) "
        "under the rules of thresholds.regression in the scenarios file, each overridable "
        "below; using the steps' 95% confidence intervals when both runs carry them. Both "
        "runs need a built report (summary.json). Writes gate.json and gate.html into --out. "
        "Exit 0 when nothing regressed, 96 on a regression, 98 when either run is invalid.",
    )
    gate.add_argument(
        "first",
        metavar="BASELINE",
        type=Path,
        help="the baseline run directory (with --baseline DIR: the run to judge)",
    )
    gate.add_argument(
        "run",
        metavar="RUN",
        type=Path,
        nargs="?",
        help="the run directory to judge",
    )
    gate.add_argument(
        "--baseline",
        type=Path,
        metavar="DIR",
        help="the baseline run directory, kept anywhere (runs/last-good, a path in the repo)",
    )
    SCENARIOS.add_to(gate)
    for flag, _, high, text in _RULE_OPTIONS:
        gate.add_argument(
            flag,
            type=bounded(float, 0.0, high),
            metavar="P",
            help=f"{text} (default: thresholds.regression in the scenarios file)",
        )
    gate.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="where gate.json and gate.html go (default: RUN)",
    )
    gate.add_argument(
        "--junit",
        type=Path,
        metavar="PATH",
        help="write the gate as JUnit XML (a test case per rule and step) to PATH",
    )
    gate.add_argument(
        "--markdown",
        type=Path,
        metavar="PATH",
        help='write a Markdown summary of the gate to PATH, e.g. "$GITHUB_STEP_SUMMARY"',
    )


def _exclude_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--exclude-seconds",
        type=number,
        default=0.0,
        metavar="S",
        help="also drop the first S seconds after each step's ramp (default %(default)s)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code."""
    return run_cli(_run, argv)


def _run(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    if getattr(args, "exclude_seconds", 0) < 0:
        raise UsageError(f"--exclude-seconds: must be >= 0 (got {args.exclude_seconds:g})")
    try:
        if args.command == "build":
            if args.plan is not None or args.scenario:
                _plain_run(args)
            code = build_and_report(args.run_dir, args.exclude_seconds, args.fail_exit_code)
            _copy_ci_outputs(args.run_dir, args.junit, args.markdown)
            return code
        if args.command == "gate":
            return _gate(args)
        return _compare(args.run_a, args.run_b, args.out, args.exclude_seconds)
    except OSError as exc:
        raise InputError(f"{exc.filename or ''}: {exc.strerror or exc}") from None


def _copy_ci_outputs(run_dir: Path, junit: Path | None, markdown: Path | None) -> None:
    import shutil

    from stairload.rundir.files import JUNIT_XML, SUMMARY_MD

    for name, path in ((JUNIT_XML, junit), (SUMMARY_MD, markdown)):
        if path is not None:
            shutil.copyfile(run_dir / name, path)
            print(f"{name}: also written to {path}")


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
    print(f"report: {comparison.out_dir / COMPARE_HTML}")
    return 0


def _gate(args: argparse.Namespace) -> int:
    from reports.gate import INCONCLUSIVE, PASSED, gate, table_lines, write_gate

    baseline, run = _gate_dirs(args)
    rules = _rules(args)
    require_dir(baseline)
    require_dir(run)
    result = gate(baseline, run, rules)
    json_path, html_path = write_gate(result, args.out or run)
    if args.junit is not None or args.markdown is not None:
        from reports.ci_outputs import gate_junit_xml, gate_markdown

        if args.junit is not None:
            args.junit.write_text(gate_junit_xml(result), encoding="utf-8")
        if args.markdown is not None:
            args.markdown.write_text(gate_markdown(result, str(html_path)), encoding="utf-8")
    print(f"gate: {result.outcome} ({result.reason})")
    print(f"baseline: {result.baseline_id}; run: {result.run_id}")
    if result.regressions:
        print("regressed:")
        for line in table_lines(result.regressions):
            print(line)
    if result.unmatched_users:
        keys = ", ".join(f"{key:,g}" for key in result.unmatched_users)
        print(f"steps in one run only (not compared): {keys} {result.unit}")
    print(f"report: {html_path} ({json_path.name} beside it)")
    if result.outcome == INCONCLUSIVE:
        return exitcodes.INCONCLUSIVE
    return exitcodes.OK if result.outcome == PASSED else exitcodes.REGRESSED


def _gate_dirs(args: argparse.Namespace) -> tuple[Path, Path]:
    dirs = [path for path in (args.first, args.run) if path is not None]
    if args.baseline is not None:
        dirs.insert(0, args.baseline)
    if len(dirs) != 2:
        raise UsageError(
            "gate: give BASELINE RUN, or --baseline DIR RUN (see 'stairload report gate --help')"
        )
    return dirs[0], dirs[1]


def _rules(args: argparse.Namespace) -> RegressionRules:
    import dataclasses

    from capacity.config import RegressionRules, load_scenarios

    path = Path(args.scenarios)
    given = args.scenarios != SCENARIOS.default
    if path.exists() or given:
        rules = load_scenarios(path).thresholds.regression
    else:  # no scenarios file here: the built-in rules
        rules = RegressionRules()
    overrides = {
        field: getattr(args, field)
        for _, field, _, _ in _RULE_OPTIONS
        if getattr(args, field) is not None
    }
    return dataclasses.replace(rules, **overrides)
