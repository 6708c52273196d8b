"""The run's command line: its parser, the checks across options, and what ``--workers auto`` picks.

``stairload run`` and ``stairload scaleout run`` parse with ``build_parser``, check with
``check_options``, make the run directory and the one ``RunSpec`` (``build_spec``).
"""

from __future__ import annotations

import argparse
import math
from datetime import UTC, datetime
from pathlib import Path

from stairload.core import exitcodes
from stairload.core.argtypes import base_url, bounded, exit_code, whole, whole_in
from stairload.core.commandline import Parser
from stairload.core.errors import UsageError
from stairload.loadgen.context import RunContext
from stairload.loadgen.cpu_limit import CPU_WARNING_PERCENT
from stairload.options import (
    QUERY,
    RUN_OPTIONS,
    SCENARIO,
    TARGET_CPU_OPTIONS,
    TARGET_CPU_PROMETHEUS,
    TARGET_CPUS,
    TARGET_PID,
    USER_LOCUSTFILE,
    add_run_options,
)
from stairload.run.request import RunSpec
from stairload.run.workers import available_cores, choose_workers

_count = whole(0)
AUTO = "auto"


def _workers(text: str) -> int | str:
    return AUTO if text == AUTO else _count(text)


def build_parser() -> argparse.ArgumentParser:
    """The options; every stair number is overridable here, in real (unscaled) units."""
    parser = Parser(
        prog="stairload run",
        description="Run a scenario's stair (or constant) load with Locust against the "
        "embedded target or HOST, write runs/<id>/ and build the report.",
    )
    parser.add_argument("scenario", help=SCENARIO.help)
    parser.add_argument(
        "--host",
        type=base_url,
        default=None,
        help="target base URL (default: start the "
        "embedded target on 127.0.0.1 and stop it afterwards)",
    )
    parser.add_argument(
        "--workers",
        type=_workers,
        default=AUTO,
        help="auto (default): chosen from this machine's cores and the plan's users and TPS, "
        "printed at start with the reason; 0: one Locust process; N: a master and N local "
        "workers",
    )
    parser.add_argument(
        "--master-bind-host",
        default="",
        metavar="ADDR",
        help="accept workers from other machines on this address (0.0.0.0: every interface)",
    )
    parser.add_argument(
        "--master-port",
        type=whole_in(1, 65535),
        default=5557,
        metavar="PORT",
        help="the master's port for workers on other machines (default %(default)s)",
    )
    parser.add_argument(
        "--expect-workers",
        type=_count,
        default=0,
        metavar="N",
        help="wait for N workers from other machines (stairload worker)",
    )
    parser.add_argument(
        "--expect-workers-timeout",
        type=whole(1),
        default=300,
        metavar="S",
        help="seconds to wait for them before giving up (default %(default)s)",
    )
    add_run_options(
        parser,
        tuple(option for option in RUN_OPTIONS if option is not USER_LOCUSTFILE),
        scenario=False,
    )
    parser.add_argument(  # Locust's parser has its own --locustfile: ours is named apart there
        "--locustfile",
        dest=USER_LOCUSTFILE.dest,
        default=USER_LOCUSTFILE.default,
        metavar="PATH",
        help=USER_LOCUSTFILE.help,
    )
    add_run_options(parser, TARGET_CPU_OPTIONS, scenario=False)
    parser.add_argument(
        "--full-stats",
        action="store_true",
        help="print all of Locust's output here (its INFO lines, a stats table every few "
        "seconds); by default it goes only to RUN_DIR/locust.log",
    )
    parser.add_argument(
        "--generator-cpu-limit",
        type=bounded(float, 0.1, 100.0),
        default=CPU_WARNING_PERCENT,
        metavar="PERCENT",
        help="a Locust process above this share of a core is saturated; more than a tenth "
        "of a step's seconds above it makes the step invalid (default %(default)g)",
    )
    parser.add_argument("--no-report", action="store_true", help="skip the report step")
    parser.add_argument(
        "--fail-exit-code",
        type=exit_code,
        default=exitcodes.VERDICT_FAIL,
        help=f"exit code when the verdict is FAIL (default {exitcodes.VERDICT_FAIL}; 0 to ignore)",
    )
    return parser


def check_options(args: argparse.Namespace) -> None:
    """The checks across options that argparse cannot make, before anything is loaded."""
    if args.expect_workers and not args.master_bind_host:
        raise UsageError(
            "--expect-workers: workers on other machines need --master-bind-host ADDR "
            f"(got --expect-workers {args.expect_workers} without it)"
        )
    check_target_cpu(args)


def build_spec(args: argparse.Namespace, context: RunContext, *, host: str | None) -> RunSpec:
    """The run's one spec: ``context``'s options, ``--workers`` resolved, the runner's settings."""
    workers, target_workers, reason = _resolve_workers(args, context, host)
    return RunSpec(
        options=context.options,
        host=host,
        workers=workers,
        target_workers=target_workers,
        workers_reason=reason,
        master_bind_host=args.master_bind_host,
        master_port=args.master_port,
        expect_workers=args.expect_workers,
        expect_workers_timeout=args.expect_workers_timeout,
        target_pid=args.target_pid,
        target_cpu_prometheus=args.target_cpu_prometheus,
        query=args.query,
        target_cpus=args.target_cpus,
        full_stats=args.full_stats,
        generator_cpu_limit=args.generator_cpu_limit,
        no_report=args.no_report,
        fail_exit_code=args.fail_exit_code,
    )


def _resolve_workers(
    args: argparse.Namespace, context: RunContext, host: str | None
) -> tuple[int, int, str]:
    """Locust workers, the embedded target's server workers, and why (``--workers auto``)."""
    if args.workers != AUTO:
        return args.workers, 1, "--workers given"
    if args.expect_workers:
        return 0, 1, f"auto: none here, {args.expect_workers} from other machines"
    response_s = context.suite.service.response_time_ms / 1000.0
    users = context.stairs.end_users
    journey = context.scenario.journey
    back_to_back = (
        context.think_range[1] == 0
        and journey.locustfile is None
        and not context.options.user_locustfile
        and not any(step.think_seconds for step in journey.steps)
    )
    choice = choose_workers(
        available_cores(),
        users,
        users / response_s,
        embedded_target=not host,
        back_to_back=back_to_back,
    )
    target_workers = max(1, choice.target_workers)
    if args.target_cpus is not None:  # one server worker per budgeted core is enough
        target_workers = min(target_workers, max(1, math.ceil(args.target_cpus)))
    print(f"[stairload] workers: {choice.reason}", flush=True)
    return choice.locust_workers, target_workers, f"auto: {choice.reason}"


def check_target_cpu(args: argparse.Namespace) -> None:
    """One CPU source for the service under test, with what it needs; a live pid."""
    from stairload.targetcpu import ProcessTreeCpu, PrometheusCpu

    pid, url, query = args.target_pid, args.target_cpu_prometheus, args.query
    if pid is not None and url is not None:
        raise UsageError(f"{TARGET_PID.flag}: give it or {TARGET_CPU_PROMETHEUS.flag}, not both")
    if (url is None) != (query is None):
        given, missing = (QUERY, TARGET_CPU_PROMETHEUS) if url is None else (
            TARGET_CPU_PROMETHEUS, QUERY)  # fmt: skip
        raise UsageError(f"{given.flag}: needs {missing.flag} too")
    if (pid is not None or url is not None) and not args.host:
        flag = TARGET_PID.flag if pid is not None else TARGET_CPU_PROMETHEUS.flag
        raise UsageError(
            f"{flag}: needs --host (the embedded target's CPU is already measured from outside)"
        )
    if args.target_cpus is not None:
        _check_budget(args)
    if pid is not None:
        ProcessTreeCpu(pid)  # raises TargetCpuError (exit 2) for a pid that does not exist
    if url is not None:
        PrometheusCpu(url, query)  # checks the URL and the query text


def _check_budget(args: argparse.Namespace) -> None:
    """--target-cpus: the embedded target only, and a group this machine lets us make."""
    from stairload.targetcpu.budget import CpuBudget

    if args.host:
        raise UsageError(
            f"{TARGET_CPUS.flag}: caps the embedded target only; give your own service its "
            "CPU limit where it runs (e.g. docker run --cpus) and measure it with --target-pid"
        )
    CpuBudget.create(args.target_cpus).remove()  # TargetCpuError (exit 2) says why not


def make_run_dir(context: RunContext) -> Path:
    """Create ``--run-dir`` (default ``runs/<UTC time>-<scenario>-<case>``), empty or new."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    default = f"runs/{stamp}-{context.scenario.name}-{context.case_name}"
    run_dir = Path(context.options.run_dir or default)
    if run_dir.is_dir() and any(run_dir.iterdir()):
        raise UsageError(f"--run-dir: {run_dir} already holds a run; choose another directory")
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(
            f"--run-dir: cannot create {run_dir} ({error.strerror or error.__class__.__name__})"
        ) from None
    return run_dir
