"""Instances of the group: processes started from a command template, sampled per second.

A template is one shell-free command line with ``{port}`` (required) and optionally
``{python}``, ``{db}``, ``{users}``, ``{run_dir}``. Each instance runs in its own process
group, so stopping it stops its whole tree. Its CPU (percent of one core, process tree)
is sampled every second by ``stairload.targetcpu.ProcessTreeCpu``.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from stairload.core.errors import UsageError
from stairload.run.lifeline import dies_with_parent
from stairload.rundir.files import instance_log
from stairload.scaleout.errors import InstanceError
from stairload.targetcpu import ProcessTreeCpu

DEFAULT_INSTANCE_CMD = "{python} -m stairload.scaleout.embedded --port {port} --db {db}"
JVM_INSTANCE_CMD = "java -jar runs/trip-jvm/trip-jvm.jar --port {port} --users {users}"
_PLACEHOLDERS = ("port", "python", "db", "users", "run_dir")


def check_template(template: str) -> None:
    """Refuse a template without ``{port}`` or with an unknown placeholder."""
    try:
        words = shlex.split(template)
        filled = [word.format(**{name: "x" for name in _PLACEHOLDERS}) for word in words]
    except (ValueError, KeyError, IndexError) as error:
        allowed = ", ".join("{" + name + "}" for name in _PLACEHOLDERS)
        raise UsageError(
            f"--instance-cmd: placeholders allowed: {allowed} ({error}) (got {template!r})"
        ) from None
    if not filled or "{port}" not in template:
        raise UsageError(f"--instance-cmd: must contain {{port}} (got {template!r})")


@dataclass
class Instance:
    """One running instance."""

    instance_id: str
    port: int
    process: subprocess.Popen[bytes]
    launched_at: float
    log_path: Path
    cpu: ProcessTreeCpu | None = field(default=None)

    @property
    def url(self) -> str:
        """Its own base URL (the warm-up runner talks to it directly)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def alive(self) -> bool:
        """Whether its main process still runs."""
        return self.process.poll() is None

    def cpu_by_second(self) -> dict[int, float]:
        """{unix second: CPU percent of one core} sampled so far."""
        return self.cpu.by_second() if self.cpu is not None else {}


def launch(
    template: str, instance_id: str, port: int, values: Mapping[str, str], log_dir: Path
) -> Instance:
    """Start an instance from the template; its output goes to ``log_dir/<id>.log``."""
    filled = {"python": sys.executable, **values, "port": str(port)}
    argv = [word.format(**filled) for word in shlex.split(template)]
    log_path = log_dir / instance_log(instance_id)
    with log_path.open("ab") as log:
        try:
            process = subprocess.Popen(
                argv, stdout=log, stderr=subprocess.STDOUT, preexec_fn=dies_with_parent()
            )
        except OSError as error:
            raise InstanceError(f"--instance-cmd: cannot start {argv[0]!r}: {error}") from None
    instance = Instance(instance_id, port, process, time.time(), log_path)
    with contextlib.suppress(Exception):  # a process that died at once has nothing to sample
        instance.cpu = ProcessTreeCpu(process.pid)
        instance.cpu.start()
    return instance


def health_status(url: str, timeout_seconds: float = 1.0) -> int | None:
    """The status ``GET url`` answers, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_seconds) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return None


def wait_until_answering(instance: Instance, health_path: str, timeout_seconds: float) -> float:
    """Wait until the health path answers at all (200, or 503 while gated); return seconds."""
    started = time.monotonic()
    while time.monotonic() - started < timeout_seconds:
        if not instance.alive:
            raise InstanceError(
                f"instance {instance.instance_id} exited with {instance.process.returncode} "
                f"before answering; see {instance.log_path}"
            )
        if health_status(instance.url + health_path) is not None:
            return time.monotonic() - started
        time.sleep(0.1)
    raise InstanceError(
        f"instance {instance.instance_id} did not answer {health_path} in "
        f"{timeout_seconds:g} s; see {instance.log_path}"
    )


def stop(instance: Instance, grace_seconds: float = 10.0) -> int | None:
    """SIGTERM the instance's process group, SIGKILL it after the grace; return the exit code."""
    _signal_group(instance, signal.SIGTERM)
    try:
        code = instance.process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        _signal_group(instance, signal.SIGKILL)
        code = instance.process.wait()
    if instance.cpu is not None:
        instance.cpu.stop()
    return code


def kill(instance: Instance) -> None:
    """SIGKILL the instance's whole process group at once (a crash, for the chaos test)."""
    _signal_group(instance, signal.SIGKILL)
    instance.process.wait()


def _signal_group(instance: Instance, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(instance.process.pid, signum)
