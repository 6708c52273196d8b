"""Command line of the scale-out rehearsal: parse, call, print.

stairload scaleout aws-template [--scenarios FILE] [--output FILE]
stairload scaleout coldstart [--instance-cmd CMD] [--requests N] [--batch N]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from stairload.core.argtypes import whole_in
from stairload.core.commandline import Parser
from stairload.options import SCENARIOS
from stairload.rundir.files import SCALING_HTML

_JVM_CMD = "java -jar runs/trip-jvm/trip-jvm.jar --port {port} --users {users}"


def _parser() -> Parser:
    parser = Parser(
        prog="stairload scaleout",
        description="Rehearse the source story's scale-out on one machine, or write it for AWS.",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    commands.add_parser(
        "run",
        help="the stair through HAProxy in front of a scaling group (run --help for options)",
        add_help=False,
    )
    commands.add_parser(
        "experiment",
        help="one run per warm-up size (--warmups 0,1500,10000), then one table",
        add_help=False,
    )
    report = commands.add_parser("report", help="(re)write a run's scaling report part")
    report.add_argument("run_dir", type=Path)
    template = commands.add_parser(
        "aws-template",
        help="write a CloudFormation template (ALB, Auto Scaling group, alarms, SNS, Lambda)",
    )
    SCENARIOS.add_to(template)
    template.add_argument("--output", type=Path, help="file to write (default: stdout)")
    cold = commands.add_parser(
        "coldstart", help="measure a fresh instance's latency per batch of its first requests"
    )
    cold.add_argument("--instance-cmd", default=_JVM_CMD, help=f"default: {_JVM_CMD!r}")
    SCENARIOS.add_to(cold)
    cold.add_argument("--scenario", default="scenario2")
    cold.add_argument("--requests", type=whole_in(1, 10_000_000), default=20_000)
    cold.add_argument("--batch", type=whole_in(1, 1_000_000), default=1_000)
    cold.add_argument("--users", type=whole_in(1, 1_000_000), default=1_000)
    cold.add_argument("--port", type=whole_in(1, 65_535), default=18_080)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one sub-command; return its exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["experiment"]:
        from stairload.scaleout.experiment import main as experiment_main

        return experiment_main(argv[1:])
    if argv[:1] == ["run"]:
        from stairload.scaleout.run import main as run_main

        return run_main(argv[1:])
    args = _parser().parse_args(argv)
    if args.command == "report":
        from stairload.scaleout.report import write_scaling_report

        write_scaling_report(args.run_dir)
        print(f"wrote {args.run_dir / SCALING_HTML}")
        return 0
    if args.command == "aws-template":
        return _aws_template(Path(args.scenarios), args.output)
    return _coldstart(args)


def _aws_template(scenarios: Path, output: Path | None) -> int:
    from stairload.alarms.config import parse_alarms
    from stairload.scaleout.aws_template import build_template, render
    from stairload.scaleout.config import load_scaling

    settings, alarms_raw = load_scaling(scenarios)
    text = render(build_template(settings, parse_alarms(alarms_raw or None, str(scenarios))))
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        print(f"wrote {output}")
    return 0


def _coldstart(args: argparse.Namespace) -> int:
    from stairload.scaleout.coldstart import batches, markdown_table, measure_cold_start
    from stairload.scaleout.instances import check_template

    template: str = args.instance_cmd
    check_template(template)
    latencies = measure_cold_start(
        template,
        args.port,
        scenarios_path=Path(args.scenarios),
        scenario=args.scenario,
        requests=args.requests,
        users=args.users,
    )
    print(markdown_table(batches(latencies, args.batch)))
    return 0
