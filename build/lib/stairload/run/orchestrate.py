"""One run, start to end: the checks, the target, Locust's master and workers, the report.

The steps live in their own modules: the checks before any load (descriptors, disk space,
a writable run directory: ``stairload.run.preflight``), the target
(``stairload.run.target_process``), Locust's processes (``stairload.run.locust_processes``),
Ctrl-C and SIGTERM (``stairload.run.stop``), ``run.json``'s moments
(``stairload.run.record_lifecycle``) and the end with its report and verdict
(``stairload.run.conclude``). On Ctrl-C or SIGTERM the run stops in order: Locust's
master first, then stragglers, then the embedded target.
"""

from __future__ import annotations

import sys

from stairload.core import exitcodes
from stairload.run.conclude import conclude, end_before_locust, end_on_fault
from stairload.run.locust_processes import Children, run_locust, stop_all
from stairload.run.machine_load import MachineLoad
from stairload.run.preflight import preflight
from stairload.run.preview import stair_title
from stairload.run.record_lifecycle import write_planned
from stairload.run.request import RunRequest
from stairload.run.stop import StopRequest
from stairload.run.target_cpu_feed import TargetCpuFeed
from stairload.run.target_process import external_cpu_feed, start_target, stop_target, unreachable
from stairload.rundir import LOCUST_LOG, TARGET_CPU_CSV, ExitReason
from stairload.rundir.atomic import RunDirFault
from stairload.targetcpu import TargetCpuError


def run(request: RunRequest) -> int:
    """The whole job; returns the process exit code (see ``stairload.core.exitcodes``)."""
    run_dir, spec = request.run_dir, request.spec
    problem = preflight(request)
    if problem:
        print(f"Error: {problem}", file=sys.stderr)
        return exitcodes.USAGE
    stop = StopRequest()
    host = spec.host or ""
    target = None
    feed = None
    children = Children()
    fault: RunDirFault | None = None
    locust_code = exitcodes.FAILED
    with stop.catching():
        try:
            write_planned(request, host or None)
            _announce(request)
        except RunDirFault as error:
            return end_on_fault(request, host or None, error)
        machine_load = MachineLoad().start()
        try:
            if not host:
                target = start_target(request)
                if target is None:
                    return end_before_locust(request, None, exitcodes.TARGET_UNREACHABLE)
                host = target.base_url
                feed = TargetCpuFeed(target.process.pid, run_dir / TARGET_CPU_CSV).start()
                feed.on_fault = stop.fault
            else:
                try:
                    feed = external_cpu_feed(spec, run_dir / TARGET_CPU_CSV)
                    if feed is not None:
                        feed.on_fault = stop.fault
                except TargetCpuError as error:
                    print(f"Error: {error}", file=sys.stderr)
                    return end_before_locust(request, host, exitcodes.USAGE, ExitReason.ERROR)
            problem = unreachable(host)
            if problem:
                print(f"Error: target {host} is unreachable: {problem}", file=sys.stderr)
                return end_before_locust(request, host, exitcodes.TARGET_UNREACHABLE)
            if stop.reason:
                code = exitcodes.code_of(stop.reason)
                return end_before_locust(request, host, code, stop.reason)
            locust_code = run_locust(request, host, stop, children, embedded=target is not None)
        except RunDirFault as error:
            fault = error
            if children.master is not None and children.master.poll() is None:
                children.master.kill()  # the run cannot record anything: stop at once
        finally:
            stop_all(children)
            machine_load.stop()
            if feed is not None:
                feed.stop()
            if target is not None:
                stop_target(target)
    if fault is not None:
        return end_on_fault(request, host or None, fault)
    return conclude(request, host, stop, children, locust_code, machine_load.summary())


def _announce(request: RunRequest) -> None:
    title = stair_title(request.context)
    print(f"[stairload] {title}; run directory {request.run_dir}", flush=True)
    stairs = request.context.stairs
    if stairs.probes:
        users = ", ".join(f"{probe.users:,}" for probe in stairs.probes)
        print(
            f"[stairload] first {len(stairs.probes)} probe steps below the plan ({users} users, "
            f"{stairs.probes[0].end_s - stairs.probes[0].ramp_end_s:g} s each) for the "
            "capacity model, never part of the verdict (--no-probes leaves them out)",
            flush=True,
        )
    if request.spec.options.web:
        port = request.spec.options.web_port
        print(f"[stairload] live page: http://127.0.0.1:{port}/ (updated every second)", flush=True)
    if not request.spec.full_stats:
        print(
            f"[stairload] Locust's own output goes to {request.run_dir / LOCUST_LOG} "
            "(--full-stats shows it here)",
            flush=True,
        )
