"""Checks before the stair starts: descriptors, disk space, a writable run directory.

A run that would die of its machine is refused in one line before any load, instead of
counting the generator's ``Too many open files`` against the target or filling the disk
mid-run:

- the file-descriptor limit: each local Locust process holds a socket per user besides its
  own files; the soft limit is raised to the hard one (children inherit it), and the run
  is refused when even the hard limit is short of the users per process;
- the live page's port (``--web``): it must be free on 127.0.0.1, or the run is refused
  before any load instead of running without its page;
- the run directory: it must be writable, and its file system must have room for an
  estimate of what the run writes (``intervals.csv`` per second and request name, Locust's
  CSVs and log, the report and charts, and the embedded target's SQLite database in
  ``target/``: 25 MB measured for 10,000 seeded users after a smoke run, so 4 KB a user
  with room for its write-ahead log).
"""

from __future__ import annotations

import math
import resource
import shutil
import socket
import tempfile
from pathlib import Path

from stairload.run.request import RunRequest

DESCRIPTORS_PER_PROCESS = 128  # a Locust process's own files, pipes, sockets and logs
BYTES_PER_NAME_SECOND = 400  # an intervals.csv row with its history twin, generously
FIXED_BYTES = 30 * 1024 * 1024  # report, charts, locust.html, logs
TARGET_BYTES_PER_USER = 4 * 1024  # the embedded target's database, per seeded user


def preflight(request: RunRequest) -> str | None:
    """The first reason the run cannot start on this machine, or None (limits raised)."""
    spec, stairs = request.spec, request.context.stairs
    problem = web_port_problem(spec.options.web_port) if spec.options.web else None
    problem = problem or run_dir_problem(request.run_dir)
    if problem:
        return problem
    users = max([stairs.end_users, *(step.users for step in stairs.probes)])
    per_process = users_per_process(users, spec.workers, spec.expect_workers)
    if per_process:
        problem = raise_descriptor_limit(per_process + DESCRIPTORS_PER_PROCESS)
        if problem:
            return problem
    names = {step.name for step in request.context.scenario.journey.steps} or {"?"} * 10
    needed = estimated_bytes(stairs.total_seconds, len(names))
    if not spec.host:  # the embedded target keeps its database in the run directory
        needed += request.context.seeded_users * TARGET_BYTES_PER_USER
    return space_problem(request.run_dir, needed)


def users_per_process(users: int, local_workers: int, remote_workers: int) -> int:
    """The users one local Locust process runs (the master runs none when it has workers)."""
    processes = local_workers + remote_workers
    return math.ceil(users / processes) if processes else users


def raise_descriptor_limit(needed: int) -> str | None:
    """Raise the soft descriptor limit to the hard one; the problem when still short."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or soft < hard):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (OSError, ValueError):
            pass
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return None
    return (
        f"the file-descriptor limit is {soft:,} (ulimit -n; hard limit {hard:,}), and each "
        f"Locust process needs about {needed:,} (one per user plus "
        f"{DESCRIPTORS_PER_PROCESS}): raise it (ulimit -n {needed}) or run more workers"
    )


def web_port_problem(port: int, host: str = "127.0.0.1") -> str | None:
    """Why the live page cannot listen on ``host:port``, or None (bound as its server will)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
            probe.listen(1)
        except OSError as error:
            return (
                f"--web-port {port}: {host}:{port} is not free ({error.strerror or error}); "
                "choose another port"
            )
    return None


def run_dir_problem(run_dir: Path) -> str | None:
    """Why the run directory cannot be written, or None."""
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=run_dir, prefix=".preflight-"):
            pass
    except OSError as error:
        return f"run directory {run_dir} is not writable ({error.strerror or error})"
    return None


def estimated_bytes(seconds: float, request_names: int) -> int:
    """What a run of ``seconds`` with ``request_names`` names writes, generously."""
    rows = math.ceil(seconds) * (request_names + 1)
    return FIXED_BYTES + rows * BYTES_PER_NAME_SECOND


def space_problem(run_dir: Path, needed_bytes: int) -> str | None:
    """Why the run directory's file system is too small for the run, or None."""
    try:
        free = shutil.disk_usage(run_dir).free
    except OSError as error:
        return f"run directory {run_dir}: free space unknown ({error.strerror or error})"
    if free >= needed_bytes:
        return None
    return (
        f"run directory {run_dir}: {_mb(free)} free, and the run writes about "
        f"{_mb(needed_bytes)}: free some space or choose another --run-dir"
    )


def _mb(count: int) -> str:
    return f"{count / 1024 / 1024:,.1f} MB"
