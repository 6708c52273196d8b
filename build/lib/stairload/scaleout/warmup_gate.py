"""Warm-up gating: a new instance replays real journeys before it may pass its health check.

The project's warm-up runner (``stairload warmup``) sends N real requests of a scenario to
the instance directly; until it is done the instance's HAProxy slot stays in maintenance.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from stairload.rundir.files import INSTANCES_DIR, instance_warmup_log
from stairload.scaleout.errors import InstanceError
from stairload.scaleout.instances import Instance


@dataclass(frozen=True)
class WarmupSpec:
    """How a new instance is warmed up before it may pass its health check."""

    requests: int
    scenario: str
    scenarios_path: Path
    users: int = 100
    concurrency: int = 8
    complete_path: str | None = None  # POST it when done (an instance with a gated /health)


def warm_up(spec: WarmupSpec, instance: Instance, health_path: str, run_dir: Path) -> float:
    """Run the warm-up against ``instance``; the seconds it took. ``InstanceError`` if it failed.

    Its output goes to ``instances/<id>.warmup.log`` in the run directory.
    """
    command = [
        sys.executable,
        "-m",
        "stairload",
        "warmup",
        "--host",
        instance.url,
        "--scenario",
        spec.scenario,
        "--scenarios",
        str(spec.scenarios_path),
        "--requests",
        str(spec.requests),
        "--users",
        str(spec.users),
        "--concurrency",
        str(spec.concurrency),
        "--health-path",
        health_path,
    ]
    if spec.complete_path:
        command += ["--complete-path", spec.complete_path]
    started = time.time()
    log_path = run_dir / INSTANCES_DIR / instance_warmup_log(instance.instance_id)
    with log_path.open("w") as log:
        code = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT).returncode
    if code != 0:
        raise InstanceError(f"warm-up exited with {code}; see {log_path}")
    return time.time() - started
