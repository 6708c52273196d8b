"""Locust's master and local workers: started, watched, and stopped in order.

Children run in their own sessions, so Ctrl-C reaches only the runner, and die with it
even when it is killed (``stairload.run.lifeline``). On Ctrl-C or SIGTERM the master is
stopped first (it writes its HTML, intervals and end record, and tells the workers to
quit), then any straggler.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import locustfiles
from stairload.loadgen.cpu_limit import CPU_LIMIT_ENV
from stairload.loadgen.run_record import EMBEDDED_TARGET_ENV, RUNNER_ENV
from stairload.options import RUN_SPEC
from stairload.run.console import follow
from stairload.run.lifeline import dies_with_parent
from stairload.run.request import RunRequest, RunSpec
from stairload.run.stop import StopRequest
from stairload.rundir import LOCUST_CSV_PREFIX, LOCUST_LOG, worker_log
from stairload.rundir.atomic import open_log

MASTER_STOP_SECONDS = 30.0
WORKER_STOP_SECONDS = 10.0
LOCUSTFILE = Path(locustfiles.__file__).parent / "stress.py"


@dataclass
class Children:
    """The Locust processes of a run, and the workers lost while it went."""

    master: subprocess.Popen[str] | None = None
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    lost: list[dict[str, Any]] = field(default_factory=list)
    master_ended_at: float | None = None  # time.time() when the master was seen gone


def run_locust(
    request: RunRequest, host: str, stop: StopRequest, children: Children, *, embedded: bool
) -> int:
    """Start the master and the local workers, watch them until the master exits; its code."""
    run_dir, spec = request.run_dir, request.spec
    env = {
        **os.environ,
        EMBEDDED_TARGET_ENV: "1" if embedded else "0",
        RUNNER_ENV: "1",
        CPU_LIMIT_ENV: repr(float(spec.generator_cpu_limit)),
    }
    prefix = str(run_dir / LOCUST_CSV_PREFIX)
    # no --html: the master writes locust.html itself, atomically (locustfiles/stress.py)
    role = ["--csv", prefix, "--csv-full-history"]
    if not spec.full_stats:
        role.append("--only-summary")
    master_host, port = "127.0.0.1", 0
    if spec.all_workers:
        master_host, port, distributed = _distributed_role(spec)
        role += distributed
    # The master writes to its log file, never to a pipe: if this process dies, the master
    # still finishes its run directory instead of failing on a broken pipe.
    log_path = run_dir / LOCUST_LOG
    with open_log(log_path) as log:
        children.master = subprocess.Popen(
            locust_command(request, host, role),
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            preexec_fn=dies_with_parent(),
        )
    quiet = not spec.full_stats
    tee = threading.Thread(target=follow, args=(log_path, children.master, quiet), daemon=True)
    tee.start()
    for index in range(1, spec.workers + 1):
        worker_role = ["--worker", "--master-host", master_host, "--master-port", str(port)]
        worker_output = open_log(run_dir / worker_log(index))
        children.workers.append(
            subprocess.Popen(
                locust_command(request, host, worker_role),
                stdout=worker_output,
                stderr=subprocess.STDOUT,
                env=env,
                preexec_fn=dies_with_parent(),
            )
        )
    _watch(children, stop, started=time.time())
    tee.join(timeout=5)
    return int(children.master.returncode)


def _distributed_role(spec: RunSpec) -> tuple[str, int, list[str]]:
    """The address local workers dial, the master's port, and the master's options."""
    master_host = "127.0.0.1"
    bind_host = spec.master_bind_host or "127.0.0.1"
    if spec.master_bind_host:
        port = spec.master_port
    else:
        from stairload.target.launch import free_port

        port = free_port()
    if bind_host not in ("0.0.0.0", "*"):
        master_host = bind_host  # local workers dial the address the master listens on
    role = [
        "--master",
        "--master-bind-host",
        bind_host,
        "--master-bind-port",
        str(port),
        "--expect-workers",
        str(spec.all_workers),
    ]
    if spec.expect_workers:
        role += ["--expect-workers-max-wait", str(spec.expect_workers_timeout)]
        print(
            f"[stairload] waiting up to {spec.expect_workers_timeout} s for "
            f"{spec.expect_workers} worker(s) at {bind_host}:{port} "
            f"(stairload worker --master HOST:{port})",
            flush=True,
        )
    return master_host, port, role


def locust_command(request: RunRequest, host: str, role: list[str]) -> list[str]:
    """The command line of one Locust process of this run, in ``role``."""
    context, spec = request.context, request.spec
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        f"{LOCUSTFILE},{context.user_locustfile}" if context.user_locustfile else str(LOCUSTFILE),
        "--headless",
        "--host",
        host,
        RUN_SPEC.flag,
        spec.options.to_json(),
    ]
    return [*command, *role]


def _watch(children: Children, stop: StopRequest, started: float) -> None:
    master = children.master
    assert master is not None
    forwarded = False
    alive = set(range(len(children.workers)))
    while master.poll() is None:
        time.sleep(0.2)
        if stop.reason and not forwarded:
            master.send_signal(signal.SIGINT)  # Locust saves its HTML report on SIGINT
            forwarded = True
        if forwarded and time.monotonic() - stop.signalled_at > MASTER_STOP_SECONDS:
            master.kill()
        for index in sorted(alive):
            code = children.workers[index].poll()
            if code is None:
                continue
            alive.discard(index)
            # A worker exits 0 when the master tells it to quit at the end; anything
            # else (a crash, a kill) while the run goes on loses its users.
            if code != 0 and not stop.reason:
                name = f"worker-{index + 1}"
                children.lost.append(
                    {
                        "time_s": round(time.time() - started, 1),
                        "worker": name,
                        "reason": f"process exited ({code})",
                    }
                )
                print(
                    f"[stairload] {name} exited with code {code} during the run; its users "
                    "are lost",
                    file=sys.stderr,
                    flush=True,
                )
    children.master_ended_at = time.time()
    master.wait()


def stop_all(children: Children) -> None:
    """Wait a little for every Locust process still running, then kill the stragglers."""
    processes: list[subprocess.Popen[Any]] = [*children.workers]
    if children.master is not None:
        processes.append(children.master)
    deadline = time.monotonic() + WORKER_STOP_SECONDS
    for process in processes:
        if process.poll() is None:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
