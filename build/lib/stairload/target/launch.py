"""Start the target as a real process on a free loopback port and stop it again.

Used by ``stairload run`` for the embedded target, and by tests and benchmarks.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from stairload.rundir.files import TARGET_DB, TARGET_LOG
from stairload.target.config import STOP_GRACE_SECONDS
from stairload.targetcpu.budget import CpuBudget

START_TIMEOUT_SECONDS = 30.0
# granian kills a worker STOP_GRACE_SECONDS after SIGTERM; the main process gets 10 s more.
STOP_TIMEOUT_SECONDS = STOP_GRACE_SECONDS + 10.0
_REFUSED = "refused to gracefully stop"
READY_PREFIX = "target_app: listening on "


@dataclass
class TargetProcess:
    """A running ``stairload target`` and where it listens and stores its data."""

    base_url: str
    db_path: Path
    log_path: Path
    process: subprocess.Popen[bytes]
    budget: CpuBudget | None = None

    def stop(self) -> int:
        """Send SIGTERM, wait for the exit (kill after STOP_TIMEOUT_SECONDS), return its code.

        A CPU budget's group is removed once its last member has exited.
        """
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.budget is not None:
            _remove_budget(self.budget)
        return int(self.process.returncode)

    def stop_problem(self) -> str:
        """Why the last stop was not clean, from target.log; "" when every worker stopped."""
        lines = self.log().splitlines()
        killed = [line for line in lines if _REFUSED in line]
        if not killed and self.process.returncode in (0, None):
            return ""
        stopping = [line for line in lines if " stopping: " in line]
        stopped = [line for line in lines if " stopped (database closed in " in line]
        if killed and len(stopped) >= len(stopping) > 0:  # every worker closed its database
            return (
                "granian killed a worker after it had closed its database (target.log: "
                f"{stopped[-1].split(': ', 1)[1]!r}): every request it took was answered and "
                "its data is whole; only its process exit was cut short"
            )
        if stopping:
            where = f"while closing its database (target.log: {stopping[-1].split(': ', 1)[1]!r})"
        else:
            where = "before its shutdown began: it was still busy with requests it had accepted"
        if killed:
            return (
                f"a worker did not stop within the {STOP_GRACE_SECONDS} s grace period and "
                f"was killed {where}"
            )
        return f"the target exited with code {self.process.returncode}"

    def log(self) -> str:
        """Return what the process printed so far (stdout and stderr)."""
        return self.log_path.read_text(errors="replace")


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def launch_target(
    directory: Path,
    users: int = 50,
    require_warmup: bool = False,
    workers: int = 1,
    command_prefix: Sequence[str] = (),
    preexec_fn: Callable[[], None] | None = None,
    cpu_budget: float | None = None,
) -> TargetProcess:
    """Start the target with its database and log in directory; return once it answers.

    command_prefix runs the server through another command, e.g. ("taskset", "-c", "0");
    preexec_fn runs in the child before it starts (e.g. ``stairload.run.lifeline``);
    cpu_budget caps the server and its workers at that many cores (``stairload.targetcpu.budget``;
    raises its TargetCpuError when this machine cannot).
    """
    port = free_port()
    db_path = directory / TARGET_DB
    log_path = directory / TARGET_LOG
    command = [
        *command_prefix,
        sys.executable,
        "-m",
        "stairload",
        "target",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    command += ["--db", str(db_path), "--users", str(users), "--workers", str(workers)]
    if require_warmup:
        command.append("--require-warmup")
    budget = None if cpu_budget is None else CpuBudget.create(cpu_budget)
    try:
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_both(budget, preexec_fn),
            )
    except BaseException:
        if budget is not None:
            budget.remove()
        raise
    target = TargetProcess(f"http://127.0.0.1:{port}", db_path, log_path, process, budget)
    try:
        _wait_until_answering(target)
    except BaseException:
        target.stop()
        raise
    return target


def _both(
    budget: CpuBudget | None, preexec_fn: Callable[[], None] | None
) -> Callable[[], None] | None:
    """Join the budget's group first (so every worker the server forks is in it)."""
    if budget is None:
        return preexec_fn
    join = budget.join

    def preexec() -> None:
        join()
        if preexec_fn is not None:
            preexec_fn()

    return preexec


def _remove_budget(budget: CpuBudget) -> None:
    """Remove the group; a worker the server left behind (killed later) may hold it a moment."""
    deadline = time.monotonic() + 5.0
    while not budget.remove() and time.monotonic() < deadline:
        time.sleep(0.05)


def _wait_until_answering(target: TargetProcess) -> None:
    """Wait for the ready line, which the server prints once /health answers."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if target.process.poll() is not None:
            raise RuntimeError(
                f"target_app exited with {target.process.returncode}:\n{target.log()}"
            )
        if READY_PREFIX in target.log():
            return
        time.sleep(0.05)
    raise RuntimeError(
        f"target_app was not ready within {START_TIMEOUT_SECONDS} s:\n{target.log()}"
    )
