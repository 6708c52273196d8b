"""``stairload run SCENARIO``: parse, check, run, print the exit line (``core.exitcodes``)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from capacity.rounding import step_warning
from stairload.core.commandline import run_cli
from stairload.core.errors import UsageError
from stairload.loadgen.context import context_from_options
from stairload.run.arguments import (
    build_parser,
    check_target_cpu,
    prepare_run_dir,
    resolve_workers,
)
from stairload.run.orchestrate import run
from stairload.run.outcome import exit_line
from stairload.run.request import RunRequest


def main(argv: Sequence[str] | None = None) -> int:
    """Run and return the exit code; user mistakes print one line and return 2."""
    return run_cli(_run, argv)


def _run(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    if args.expect_workers and not args.master_bind_host:
        raise UsageError(
            "--expect-workers: workers on other machines need --master-bind-host ADDR "
            f"(got --expect-workers {args.expect_workers} without it)"
        )
    check_target_cpu(args)
    context = context_from_options(args)
    warning = step_warning(context.suite, context.scenario)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    run_dir = prepare_run_dir(args, context)
    resolve_workers(args, context)
    code = run(RunRequest(context=context, args=args, run_dir=run_dir))
    print(exit_line(code, run_dir), flush=True)
    return code
