"""``capacity``: the plan table, what-if questions and stair timelines. Parses, calls, formats."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from capacity import limits, render
from capacity.config import Suite, load_scenarios
from capacity.whatif import CasePlan, grown_dau, growth_line, plan_case, what_if
from stairload.core.argtypes import bounded, number, positive
from stairload.core.commandline import Parser, run_cli
from stairload.core.errors import UsageError
from stairload.options import (
    SCENARIOS,
    STAIR_OVERRIDES,
    TIME_SCALE,
    USERS_SCALE,
    add_run_options,
    stair_overrides,
)

_DEFAULT_SCENARIOS = "scenarios.yaml"
_cpu_percent = bounded(float, 1.0, 100.0)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command in ``argv``; print its output, or ``Error: ...`` and return 2."""
    return run_cli(_run, argv)


def _run(argv: Sequence[str] | None) -> int:
    args = _build_parser().parse_args(argv)
    print(args.command(args))
    return 0


def _table(args: argparse.Namespace) -> str:
    suite = load_scenarios(args.scenarios)
    _warn_about_rounding(suite, args.scenario)
    case_names = [args.case] if args.case else [case.name for case in suite.cases]
    plans = [plan_case(suite, name, args.scenario) for name in case_names]
    return render.plans(plans, args.format)


def _what_if(args: argparse.Namespace) -> str:
    if args.explain and args.format not in ("table", "markdown"):
        raise UsageError(f"--explain: needs --format table or markdown (got {args.format})")
    suite = load_scenarios(args.scenarios, journeys=False)  # the plan's numbers only
    dau = args.dau if args.dau is not None else grown_dau(suite, args.growth)
    plan = what_if(
        suite,
        dau=dau,
        peak_rate=args.peak_rate,
        safety_factor=args.safety_factor,
        response_time_ms=args.response_ms,
        scenario_name=args.scenario,
    )
    output = render.what_if(plan, args.format)
    if args.dau is None and args.format in ("table", "markdown"):
        output = f"{growth_line(suite, args.growth, dau)}\n{output}"
    if args.from_run is not None:
        return _with_measured(args, suite, plan, output)
    return _explained(output, plan) if args.explain else output


def _explained(output: str, plan: CasePlan) -> str:
    """``output`` and, below it, every formula with the numbers put in (``--explain``)."""
    from capacity.explain import explain

    return f"{output}\n\n{explain(plan)}"


def _with_measured(args: argparse.Namespace, suite: Suite, plan: CasePlan, output: str) -> str:
    """what-if --from-run: the formula's plan and, beside it, what the run measured."""
    import json

    from capacity.measured_render import measured_json, measured_text
    from reports.fromrun import run_capacity

    run = run_capacity(
        args.from_run,
        suite,
        lambda scenario: [replace(plan, rows=tuple(r for r in plan.rows if r.name == scenario))],
        target_cpu_percent=args.target_cpu,
        cores=args.cores,
        need_cpu=False,
    )
    if args.format == "json":
        return json.dumps({**json.loads(output), "measured": measured_json(run)}, indent=2)
    text = f"{output}\n\n{measured_text(run)}"
    return _explained(text, plan) if args.explain else text


def _instances(args: argparse.Namespace) -> str:
    from capacity.measured_render import instances_json, instances_text
    from reports.fromrun import run_capacity

    if args.explain and args.format != "table":
        raise UsageError(f"--explain: needs --format table (got {args.format})")
    suite = load_scenarios(args.scenarios)

    def plans_for(scenario: str) -> list[CasePlan]:
        if args.dau is None and args.growth is None:
            names = dict.fromkeys((suite.start_case, suite.end_case))
            return [plan_case(suite, name, scenario) for name in names]
        dau = args.dau if args.dau is not None else grown_dau(suite, args.growth)
        return [what_if(suite, dau=dau, scenario_name=scenario)]

    run = run_capacity(
        args.from_run,
        suite,
        plans_for,
        target_cpu_percent=args.target_cpu,
        cores=args.cores,
        need_cpu=True,
    )
    if args.format == "json":
        return instances_json(run)
    return instances_text(run, explain=args.explain)


def _stairs(args: argparse.Namespace) -> str:
    from capacity.shapes import stairs_for

    suite: Suite = load_scenarios(args.scenarios)
    _warn_about_rounding(suite, args.scenario)
    stairs = stairs_for(
        suite,
        args.scenario,
        time_scale=args.time_scale,
        users_scale=args.users_scale,
        **stair_overrides(args),
    )
    return render.stairs_timeline(
        args.scenario, stairs, time_scale=args.time_scale, users_scale=args.users_scale
    )


def _warn_about_rounding(suite: Suite, scenario_name: str | None) -> None:
    from capacity.rounding import step_warning

    for scenario in suite.scenarios:
        if scenario_name in (None, scenario.name):
            warning = step_warning(suite, scenario)
            if warning:
                print(warning, file=sys.stderr)


def _build_parser() -> Parser:
    parser = Parser(
        prog="capacity",
        description="From DAU to RPS, virtual users (VUser) and target TPS, and the stair "
        "a stress run climbs.",
    )
    commands = parser.add_subparsers(
        title="commands", dest="command_name", metavar="COMMAND", required=True
    )

    table = commands.add_parser(
        "table", help="the plan of every case and scenario in scenarios.yaml"
    )
    table.add_argument("--case", metavar="NAME", help="only this case (default: all)")
    table.add_argument("--scenario", metavar="NAME", help="only this scenario (default: all)")
    _add_common(table)
    table.set_defaults(command=_table)

    question = commands.add_parser("what-if", help="the plan at another DAU or growth")
    dau = question.add_mutually_exclusive_group(required=True)
    dau.add_argument(
        "--dau", type=bounded(float, 1, limits.MAX_DAU), metavar="N", help="daily active users"
    )
    dau.add_argument(
        "--growth",
        type=number,
        metavar="PCT",
        help="percent change of the start case's DAU (80 means x 1.8)",
    )
    factor = bounded(float, 0.001, limits.MAX_FACTOR)
    question.add_argument("--peak-rate", type=factor, metavar="X", help="busiest / average")
    question.add_argument("--safety-factor", type=factor, metavar="X", help="margin on peak")
    question.add_argument(
        "--response-ms",
        type=bounded(float, *limits.RESPONSE_TIME_MS),
        metavar="MS",
        help="target response time",
    )
    question.add_argument("--scenario", metavar="NAME", help="only this scenario (default: all)")
    question.add_argument(
        "--explain", action="store_true", help="show every formula with the numbers put in"
    )
    _add_common(question)
    _add_from_run(question, required=False)
    question.set_defaults(command=_what_if)

    count = commands.add_parser(
        "instances",
        help="instances needed at a target CPU, from a measured run",
        description="Instances needed at a target CPU, from a run's per-step TPS and CPU "
        "(and its USL fit when trustworthy); the average and stress cases, or one DAU.",
    )
    count_dau = count.add_mutually_exclusive_group()
    count_dau.add_argument("--dau", type=positive, metavar="N", help="daily active users")
    count_dau.add_argument(
        "--growth", type=number, metavar="PCT", help="percent change of the start case's DAU"
    )
    count.add_argument(
        "--explain", action="store_true", help="show every formula with the numbers put in"
    )
    SCENARIOS.add_to(count)
    count.add_argument("--format", choices=("table", "json"), default="table")
    _add_from_run(count, required=True)
    count.set_defaults(command=_instances)

    stairs = commands.add_parser("stairs", help="the stair timeline of one scenario")
    stairs.add_argument("scenario", metavar="SCENARIO", help="a scenario in scenarios.yaml")
    add_run_options(stairs, (SCENARIOS, TIME_SCALE, USERS_SCALE, *STAIR_OVERRIDES), scenario=False)
    stairs.set_defaults(command=_stairs)
    return parser


def _add_from_run(command: argparse.ArgumentParser, *, required: bool) -> None:
    command.add_argument(
        "--from-run",
        type=Path,
        required=required,
        metavar="RUN",
        help="a run directory (runs/...): add what it measured",
    )
    command.add_argument(
        "--target-cpu",
        type=_cpu_percent,
        default=limits.DEFAULT_TARGET_CPU_PERCENT,
        metavar="PCT",
        help="CPU percent one instance may reach (default %(default)g)",
    )
    command.add_argument(
        "--cores",
        type=positive,
        default=None,
        metavar="N",
        help="cores of one instance; CPU is measured in percent of one core (default: the "
        "run's --target-cpus budget, else 1)",
    )


def _add_common(command: argparse.ArgumentParser) -> None:
    SCENARIOS.add_to(command)
    command.add_argument("--format", choices=render.FORMATS, default="table")
