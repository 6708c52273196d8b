"""The target of a run: the embedded one started and stopped here, any target's reachability,
and the CPU feed of a service the run did not start.
"""

from __future__ import annotations

import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from stairload.run.lifeline import dies_with_parent
from stairload.run.prometheus_cpu_feed import PrometheusCpuFeed
from stairload.run.request import RunRequest, RunSpec
from stairload.run.target_cpu_feed import TargetCpuFeed
from stairload.rundir import TARGET_DIR, TARGET_LOG
from stairload.targetcpu import PrometheusCpu

REACH_TIMEOUT_SECONDS = 5.0


def start_target(request: RunRequest) -> Any:
    """The embedded target, started and ready; None (after one ``Error:`` line) if it failed."""
    from stairload.target.launch import launch_target

    directory = request.run_dir / TARGET_DIR
    directory.mkdir(exist_ok=True)
    budget = request.spec.target_cpus
    capped = "" if budget is None else f", capped at {budget:g} core(s) by a cgroup CPU quota"
    print(
        f"[stairload] starting the embedded target ({request.context.seeded_users:,} seeded users, "
        f"{request.spec.target_workers} server worker(s){capped})...",
        flush=True,
    )
    try:
        target = launch_target(
            directory,
            users=request.context.seeded_users,
            workers=request.spec.target_workers,
            preexec_fn=dies_with_parent(),
            cpu_budget=budget,
        )
    except Exception as error:  # any start failure (timeout, crash) is reported alike
        print(
            f"Error: the embedded target did not start: {error} (see {directory / TARGET_LOG})",
            file=sys.stderr,
        )
        return None
    print(f"[stairload] embedded target ready at {target.base_url}", flush=True)
    return target


def stop_target(target: Any) -> None:
    """Stop the embedded target; say how long it took, and why when it was not clean."""
    started = time.monotonic()
    throttled = target.budget.throttled() if target.budget is not None else None
    target.stop()
    if throttled is not None:
        periods, seconds = throttled
        print(
            f"[stairload] the target's CPU budget held it back in {periods:,} periods of "
            f"100 ms ({seconds:.1f} s in all)",
            flush=True,
        )
    problem = target.stop_problem()
    took = f"{time.monotonic() - started:.1f} s"
    if problem:
        print(f"[stairload] embedded target stopped in {took}, but {problem}", file=sys.stderr)
    else:
        print(f"[stairload] embedded target stopped in {took}", flush=True)


def unreachable(host: str) -> str:
    """Why ``host`` cannot be reached, or "" when it answers HTTP at all."""
    try:
        with urllib.request.urlopen(f"{host}/health", timeout=REACH_TIMEOUT_SECONDS):
            return ""
    except urllib.error.HTTPError:
        return ""  # it answered: a 404 or 503 still means the service is there
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return f"{reason} (is it running?)"


def external_cpu_feed(spec: RunSpec, path: Path) -> TargetCpuFeed | PrometheusCpuFeed | None:
    """The CPU feed of a service the run did not start: --target-pid or Prometheus, or None."""
    if spec.target_pid is not None:
        return TargetCpuFeed(spec.target_pid, path).start()
    if spec.target_cpu_prometheus is not None:
        source = PrometheusCpu(spec.target_cpu_prometheus, spec.query)
        return PrometheusCpuFeed(source, path).start()
    return None
