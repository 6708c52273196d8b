"""``stairload scaleout run SCENARIO``: the stair through HAProxy in front of a scaling group.

Order: seed the shared database (when the instance command takes ``{db}``), start
HAProxy, start the group at its minimum and wait until it is in service, then run the
stair with stressrun's machinery (every stressrun option is accepted and passed on; the
host is HAProxy), then stop the group and HAProxy and write the scaling report part.
"""

from __future__ import annotations

import argparse
import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from stairload.alarms.config import parse_alarms
from stairload.alarms.notifier import WebhookNotifier, require_webhook_url, webhook_url
from stairload.core.argtypes import whole
from stairload.core.commandline import Parser
from stairload.core.errors import UsageError
from stairload.rundir.files import INSTANCES_DIR, SCALING_HTML, SHARED_DB, TARGET_DIR
from stairload.scaleout.config import load_scaling
from stairload.scaleout.events import EventLog
from stairload.scaleout.group import Group, free_port
from stairload.scaleout.haproxy import BalancerConfig, HAProxy
from stairload.scaleout.instances import DEFAULT_INSTANCE_CMD, check_template
from stairload.scaleout.warmup_gate import WarmupSpec


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The scale-out options; everything else goes to stressrun."""
    parser.add_argument("scenario", help="scenario name, e.g. scenario2")
    parser.add_argument(
        "--instance-cmd",
        default=DEFAULT_INSTANCE_CMD,
        help="command of one instance with {port} (and {python}, {db}, {users}, {run_dir}); "
        f"default {DEFAULT_INSTANCE_CMD!r}",
    )
    parser.add_argument(
        "--warmup",
        type=whole(0),
        default=None,
        help="real journey requests each new instance gets before its health check may pass "
        "(default: scaling.warmup_requests; 0: none)",
    )
    parser.add_argument(
        "--warmup-complete-path",
        default=None,
        help="POST this path after the warm-up (an instance started with a gated /health, "
        "e.g. /warmup/complete)",
    )
    parser.add_argument(
        "--kill-after",
        type=float,
        default=None,
        help="SIGKILL the newest in-service instance this many seconds after the load starts",
    )
    parser.add_argument(
        "--target-cpu",
        type=float,
        default=None,
        help="override scaling.target_cpu_percent (e.g. on a machine whose shared cores never "
        "let one instance reach 70%%)",
    )
    parser.add_argument("--slots", type=whole(1), default=4, help="HAProxy server slots")
    parser.add_argument(
        "--balance",
        default="roundrobin",
        help="HAProxy balance algorithm (default roundrobin; 'hdr(Authorization)' keeps a "
        "journey on one instance, for instances that keep state in memory like trip-jvm)",
    )


def main(argv: Sequence[str]) -> int:
    """Run the rehearsal; return stressrun's exit code."""
    from stairload.loadgen.context import context_from_options
    from stairload.options import RunOptions
    from stairload.run.arguments import build_parser, build_spec
    from stairload.run.orchestrate import run
    from stairload.run.request import RunRequest

    own = Parser(prog="stairload scaleout run", add_help=True)
    add_arguments(own)
    args, rest = own.parse_known_args(argv)
    check_template(args.instance_cmd)
    stress_args = build_parser().parse_args([args.scenario, *rest])
    if stress_args.host:
        raise UsageError("--host: the host is the group's load balancer; give --instance-cmd")
    # The scaling rehearsal climbs the planned stair only: probe steps (for the capacity
    # model of one instance) would only delay the group's first scale-out.
    no_probes = {"probe_users": ()} if stress_args.probe_users is None else {}
    context = context_from_options(RunOptions.from_namespace(stress_args, **no_probes))
    options = context.options
    scenarios_path = Path(options.scenarios)
    settings, alarms_raw = load_scaling(scenarios_path)
    alarms = parse_alarms(alarms_raw or None, str(scenarios_path))
    warmup_requests = settings.warmup_requests if args.warmup is None else args.warmup
    run_dir = _run_dir(options.run_dir, context.scenario.name, warmup_requests)
    context = context.with_run_dir(run_dir)
    policy = settings.policy
    if args.target_cpu is not None:
        if not 0 < args.target_cpu <= 100 * settings.instance_cpu_cores:
            raise UsageError(f"--target-cpu: must be in (0, 100] (got {args.target_cpu:g})")
        policy = replace(policy, target_cpu_percent=args.target_cpu)
    scaled = replace(settings, policy=policy, warmup_requests=warmup_requests).scaled(
        options.time_scale
    )
    values = {"users": str(options.target_users), "run_dir": str(run_dir)}
    if "{db}" in args.instance_cmd:
        values["db"] = str(_seed(run_dir, options.target_users))
    notifier = None
    if webhook_url(alarms.webhook_env):
        notifier = WebhookNotifier(require_webhook_url(alarms.webhook_env))
    log = EventLog(run_dir, notifier, alarms.language, alarms.time_zone)
    haproxy = HAProxy(
        BalancerConfig(
            port=free_port(),
            socket_path=run_dir / "haproxy.sock",
            health_path=settings.health_path,
            slots=args.slots,
            balance=args.balance,
        ),
        run_dir,
    )
    warmup = WarmupSpec(
        requests=warmup_requests,
        scenario=context.scenario.name,
        scenarios_path=scenarios_path,
        users=min(100, options.target_users),
        complete_path=args.warmup_complete_path,
    )
    group = Group(scaled, haproxy, args.instance_cmd, values, run_dir, log, warmup)
    haproxy.start()
    try:
        print(
            f"[scaleout] HAProxy on {haproxy.url}; starting {scaled.policy.min_instances} "
            f"instance(s): {args.instance_cmd}",
            flush=True,
        )
        group.start()
        print(
            f"[scaleout] group in service; policy period {scaled.policy.period_seconds:g} s, "
            f"warm-up {warmup_requests:,} requests; events in {log.path}",
            flush=True,
        )
        if args.kill_after is not None:
            _schedule_kill(group, args.kill_after)
        code = run(RunRequest(context, build_spec(stress_args, context, host=haproxy.url)))
    finally:
        group.stop()
        haproxy.stop()
        if notifier is not None:
            notifier.close()
    from stairload.scaleout.report import write_scaling_report

    write_scaling_report(run_dir)
    print(f"[scaleout] scaling report: {run_dir / SCALING_HTML}", flush=True)
    if not stress_args.no_report:  # again, now with the scaling section
        from reports.build import build

        build(run_dir)
    return code


def _run_dir(given: str, scenario: str, warmup: int) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    run_dir = Path(given or f"runs/{stamp}-{scenario}-scaleout-warmup{warmup}")
    if run_dir.exists() and any(run_dir.iterdir()):
        raise UsageError(f"--run-dir: {run_dir} already holds a run; choose another directory")
    (run_dir / INSTANCES_DIR).mkdir(parents=True, exist_ok=True)
    return run_dir


def _seed(run_dir: Path, users: int) -> Path:
    from stairload.target.db import create_database

    path = run_dir / TARGET_DIR / SHARED_DB
    path.parent.mkdir(parents=True, exist_ok=True)
    create_database(path, users)
    return path


def _schedule_kill(group: Group, after_seconds: float) -> None:
    def kill() -> None:
        time.sleep(after_seconds)
        killed = group.kill_newest(f"--kill-after {after_seconds:g}: SIGKILL (a crash)")
        print(f"[scaleout] killed {killed or 'nothing (no instance in service)'}", flush=True)

    threading.Thread(target=kill, name="chaos-kill", daemon=True).start()
