"""``stairload run SCENARIO``: parse, check, run, print the exit line (``core.exitcodes``)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from capacity.rounding import step_warning
from stairload.core.commandline import run_cli
from stairload.loadgen.context import context_from_options
from stairload.options import RunOptions
from stairload.run.arguments import build_parser, build_spec, check_options, make_run_dir
from stairload.run.orchestrate import run
from stairload.run.outcome import exit_line
from stairload.run.request import RunRequest


def main(argv: Sequence[str] | None = None) -> int:
    """Run and return the exit code; user mistakes print one line and return 2."""
    return run_cli(_run, argv)


def _run(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    check_options(args)
    context = context_from_options(RunOptions.from_namespace(args))
    warning = step_warning(context.suite, context.scenario)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    context = context.with_run_dir(make_run_dir(context))
    request = RunRequest(context, build_spec(args, context, host=args.host))
    code = run(request)
    print(exit_line(code, request.run_dir, no_report=args.no_report), flush=True)
    return code
