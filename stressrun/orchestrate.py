"""Start the target, Locust's master and workers, watch them, stop them all, build the report.

Children run in their own sessions, so Ctrl-C reaches only this process, and die with it
even when it is killed (``stressrun.lifeline``). On Ctrl-C or SIGTERM it stops the run in
order: Locust's master first (it writes its HTML, intervals and run.json and
tells the workers to quit), then stragglers, then the embedded target.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import locustfiles
from locustfiles.context import RunContext
from locustfiles.cpu_limit import CPU_LIMIT_ENV
from locustfiles.run_record import EMBEDDED_TARGET_ENV, run_record
from rundir import (
    LOCUST_CSV_PREFIX,
    LOCUST_HTML,
    LOCUST_LOG,
    RUN_JSON,
    STAIRS_PNG,
    TARGET_CPU_CSV,
    TARGET_DIR,
    ExitReason,
    RunRecord,
    worker_log,
)
from stairload import exitcodes
from stairload.errors import StairloadError
from stressrun.console import console_worthy
from stressrun.lifeline import dies_with_parent
from stressrun.machine_load import MachineLoad
from stressrun.options import to_locust_argv
from stressrun.preview import draw_stairs
from stressrun.prometheus_cpu_feed import PrometheusCpuFeed
from stressrun.target_cpu_feed import TargetCpuFeed
from stressrun.workers import available_cores
from targetcpu import PrometheusCpu, TargetCpuError

MASTER_STOP_SECONDS = 30.0
WORKER_STOP_SECONDS = 10.0
REACH_TIMEOUT_SECONDS = 5.0
LOCUSTFILE = Path(locustfiles.__file__).parent / "stress.py"


@dataclass(frozen=True)
class RunRequest:
    """A checked run: the context, the raw options, and where the run goes."""

    context: RunContext
    args: argparse.Namespace
    run_dir: Path


@dataclass
class _Stop:
    reason: ExitReason | None = None
    signalled_at: float = 0.0

    def handler(self, signum: int, _frame: Any) -> None:
        if not self.reason:
            self.reason = (
                ExitReason.INTERRUPTED if signum == signal.SIGINT else ExitReason.TERMINATED
            )
            self.signalled_at = time.monotonic()
            print(
                f"[stairload] {signal.Signals(signum).name}: stopping the run...",
                file=sys.stderr,
                flush=True,
            )


@dataclass
class _Children:
    master: subprocess.Popen[str] | None = None
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    lost: list[dict[str, Any]] = field(default_factory=list)


def run(request: RunRequest) -> int:
    """The whole job; returns the process exit code (see ``stairload.exitcodes``)."""
    run_dir, args = request.run_dir, request.args
    run_dir.mkdir(parents=True, exist_ok=True)
    stop = _Stop()
    previous = {sig: signal.signal(sig, stop.handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    host = args.host or ""
    _record(request, host=host or None, exit_reason=ExitReason.STARTING).dump(run_dir / RUN_JSON)
    _announce(request)
    target = None
    feed = None
    children = _Children()
    machine_load = MachineLoad().start()
    try:
        if not host:
            target = _start_target(request)
            if target is None:
                return _finish(request, None, exitcodes.TARGET_UNREACHABLE)
            host = target.base_url
            feed = TargetCpuFeed(target.process.pid, run_dir / TARGET_CPU_CSV).start()
        else:
            try:
                feed = _external_cpu_feed(args, run_dir / TARGET_CPU_CSV)
            except TargetCpuError as error:
                print(f"Error: {error}", file=sys.stderr)
                return _finish(request, host, exitcodes.USAGE, ExitReason.ERROR)
        problem = _unreachable(host)
        if problem:
            print(f"Error: target {host} is unreachable: {problem}", file=sys.stderr)
            return _finish(request, host, exitcodes.TARGET_UNREACHABLE)
        if stop.reason:
            return _finish(request, host, _signal_code(stop.reason), stop.reason)
        locust_code = _run_locust(request, host, stop, children, embedded=target is not None)
    finally:
        _stop_all(children)
        machine_load.stop()
        if feed is not None:
            feed.stop()
        if target is not None:
            _stop_target(target)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return _conclude(request, host, stop, children, locust_code, machine_load)


def _external_cpu_feed(
    args: argparse.Namespace, path: Path
) -> TargetCpuFeed | PrometheusCpuFeed | None:
    """The CPU feed of a service the run did not start: --target-pid or Prometheus, or None."""
    if args.target_pid is not None:
        return TargetCpuFeed(args.target_pid, path).start()
    if args.target_cpu_prometheus is not None:
        source = PrometheusCpu(args.target_cpu_prometheus, args.query)
        return PrometheusCpuFeed(source, path).start()
    return None


def _announce(request: RunRequest) -> None:
    context = request.context
    stairs = context.stairs
    title = (
        f"{context.scenario.name} ({context.shape}): {stairs.start_users:,} to "
        f"{stairs.end_users:,} users, {len(stairs.steps)} plateaus, "
        f"{stairs.total_seconds / 60:.1f} min"
    )
    draw_stairs(stairs, title, request.run_dir / STAIRS_PNG)
    print(f"[stairload] {title}; run directory {request.run_dir}", flush=True)
    if not request.args.full_stats:
        print(
            f"[stairload] Locust's own output goes to {request.run_dir / 'locust.log'} "
            "(--full-stats shows it here)",
            flush=True,
        )


def _start_target(request: RunRequest) -> Any:
    from target_app.launch import launch_target

    directory = request.run_dir / TARGET_DIR
    directory.mkdir(exist_ok=True)
    print(
        f"[stairload] starting the embedded target ({request.args.target_users:,} seeded users, "
        f"{_target_workers(request)} server worker(s))...",
        flush=True,
    )
    try:
        target = launch_target(
            directory,
            users=request.args.target_users,
            workers=_target_workers(request),
            preexec_fn=dies_with_parent(),
        )
    except Exception as error:  # any start failure (timeout, crash) is reported alike
        print(
            f"Error: the embedded target did not start: {error} (see {directory / 'target.log'})",
            file=sys.stderr,
        )
        return None
    print(f"[stairload] embedded target ready at {target.base_url}", flush=True)
    return target


def _stop_target(target: Any) -> None:
    """Stop the embedded target; say how long it took, and why when it was not clean."""
    started = time.monotonic()
    target.stop()
    problem = target.stop_problem()
    took = f"{time.monotonic() - started:.1f} s"
    if problem:
        print(f"[stairload] embedded target stopped in {took}, but {problem}", file=sys.stderr)
    else:
        print(f"[stairload] embedded target stopped in {took}", flush=True)


def _target_workers(request: RunRequest) -> int:
    return int(getattr(request.args, "target_workers", 1) or 1)


def _machine() -> dict[str, Any]:
    return {"cores": available_cores(), "platform": platform.platform()}


def _unreachable(host: str) -> str:
    """Why ``host`` cannot be reached, or "" when it answers HTTP at all."""
    try:
        with urllib.request.urlopen(f"{host}/health", timeout=REACH_TIMEOUT_SECONDS):
            return ""
    except urllib.error.HTTPError:
        return ""  # it answered: a 404 or 503 still means the service is there
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return f"{reason} (is it running?)"


def _locust_command(request: RunRequest, host: str, role: list[str]) -> list[str]:
    context, args = request.context, request.args
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        f"{LOCUSTFILE},{context.user_locustfile}" if context.user_locustfile else str(LOCUSTFILE),
        "--headless",
        "--host",
        host,
        *to_locust_argv(args),
    ]
    return [*command, *role]


def _run_locust(
    request: RunRequest, host: str, stop: _Stop, children: _Children, *, embedded: bool
) -> int:
    run_dir, args = request.run_dir, request.args
    env = {
        **os.environ,
        EMBEDDED_TARGET_ENV: "1" if embedded else "0",
        CPU_LIMIT_ENV: repr(float(args.generator_cpu_limit)),
    }
    prefix = str(run_dir / LOCUST_CSV_PREFIX)
    role = ["--csv", prefix, "--csv-full-history", "--html", str(run_dir / LOCUST_HTML)]
    if not args.full_stats:
        role.append("--only-summary")
    master_host = "127.0.0.1"
    if args.workers or args.expect_workers:
        bind_host = args.master_bind_host or "127.0.0.1"
        if args.master_bind_host:
            port = args.master_port
        else:
            from target_app.launch import free_port

            port = free_port()
        if bind_host not in ("0.0.0.0", "*"):
            master_host = bind_host  # local workers dial the address the master listens on
        role += [
            "--master",
            "--master-bind-host",
            bind_host,
            "--master-bind-port",
            str(port),
            "--expect-workers",
            str(args.workers + args.expect_workers),
        ]
        if args.expect_workers:
            role += ["--expect-workers-max-wait", str(args.expect_workers_timeout)]
            print(
                f"[stairload] waiting up to {args.expect_workers_timeout} s for "
                f"{args.expect_workers} worker(s) at {bind_host}:{port} "
                f"(python -m stressrun worker --master HOST:{port})",
                flush=True,
            )
    # The master writes to its log file, never to a pipe: if this process dies, the master
    # still finishes its run directory instead of failing on a broken pipe.
    log_path = run_dir / LOCUST_LOG
    with log_path.open("w", encoding="utf-8") as log:
        children.master = subprocess.Popen(
            _locust_command(request, host, role),
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            preexec_fn=dies_with_parent(),
        )
    quiet = not args.full_stats
    tee = threading.Thread(target=_follow, args=(log_path, children.master, quiet), daemon=True)
    tee.start()
    for index in range(1, args.workers + 1):
        worker_role = ["--worker", "--master-host", master_host, "--master-port", str(port)]
        worker_output = (run_dir / worker_log(index)).open("wb")
        children.workers.append(
            subprocess.Popen(
                _locust_command(request, host, worker_role),
                stdout=worker_output,
                stderr=subprocess.STDOUT,
                env=env,
                preexec_fn=dies_with_parent(),
            )
        )
    _watch(children, stop, started=time.time())
    tee.join(timeout=5)
    return int(children.master.returncode)


def _follow(log_path: Path, process: subprocess.Popen[str], quiet: bool) -> None:
    """Echo the master's log file to the console, whole lines, until the master exits.

    ``quiet`` echoes only the lines worth a console (``stressrun.console``).
    """

    def echo(line: str) -> None:
        if line and (not quiet or console_worthy(line)):
            sys.stdout.write(line)
            sys.stdout.flush()

    with log_path.open(encoding="utf-8", errors="replace") as log:
        pending = ""
        while True:
            chunk = log.readline()
            if chunk:
                pending += chunk
                if pending.endswith("\n"):
                    echo(pending)
                    pending = ""
                continue
            if process.poll() is not None:
                for line in (pending + log.read()).splitlines(keepends=True):
                    echo(line)
                return
            time.sleep(0.1)


def _watch(children: _Children, stop: _Stop, started: float) -> None:
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
    master.wait()


def _stop_all(children: _Children) -> None:
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


def _signal_code(reason: ExitReason) -> int:
    return exitcodes.INTERRUPTED if reason == ExitReason.INTERRUPTED else exitcodes.TERMINATED


def _conclude(
    request: RunRequest,
    host: str,
    stop: _Stop,
    children: _Children,
    locust_code: int,
    machine_load: MachineLoad,
) -> int:
    """Write the final ``run.json`` once: the master's record (if it wrote one) concluded."""
    path = request.run_dir / RUN_JSON
    master = _master_record(path)
    if master is None or not master.exit_reason.finished:
        reason = stop.reason or ExitReason.ERROR
    else:
        reason = stop.reason or master.exit_reason
    if stop.reason:
        code = _signal_code(stop.reason)
    elif reason == ExitReason.ERROR and locust_code == exitcodes.USAGE:
        code = exitcodes.USAGE  # our own check in Locust's init refused the run
    elif reason == ExitReason.ABORTED:
        code = exitcodes.ABORTED
        abort = (master.extras if master is not None else {}).get("abort") or {}
        print(
            f"[stairload] aborted at step {abort.get('step')} (t={abort.get('time_s')}s): "
            f"alarm {abort.get('alarm')!r} entered ALARM: {abort.get('reason')}",
            file=sys.stderr,
            flush=True,
        )
    elif reason != ExitReason.COMPLETED:
        code = exitcodes.LOCUST_FAILED
    else:
        code = exitcodes.OK
    base = master or _record(request, host=host, exit_reason=reason)
    generator = dict(base.load_generator)
    generator["lost_workers"] = [*generator.get("lost_workers", []), *children.lost]
    final = replace(
        base,
        exit_reason=reason,
        exit_code=code,
        locust_exit_code=locust_code,
        ended_at=base.ended_at or _now_iso(),
        load_generator=generator,
        workers_reason=getattr(request.args, "workers_reason", ""),
        target_workers=_target_workers(request) if base.embedded_target else None,
        machine={**_machine(), **machine_load.summary()},
    )
    final.dump(path)
    if reason == ExitReason.ERROR:
        print(f"Error: {_why_no_start(request, locust_code)}", file=sys.stderr)
    report_code = _report(request)
    if code == exitcodes.OK and report_code is not None:
        code = report_code
        # the code this process exits with, verdict included (written by this process only)
        replace(final, exit_code=code).dump(path)
    return code


def _why_no_start(request: RunRequest, locust_code: int) -> str:
    log = request.run_dir / LOCUST_LOG
    args = request.args
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    if args.expect_workers and "Gave up waiting for workers" in text:
        return (
            f"--expect-workers: {args.workers + args.expect_workers} worker(s) did not all "
            f"connect within {args.expect_workers_timeout} s (--expect-workers-timeout); "
            f"see {log}"
        )
    why = _init_error(log)
    return f"Locust stopped before the run started (exit {locust_code}){why}; see {log}"


def _master_record(path: Path) -> RunRecord | None:
    """The record the Locust master wrote, or None when it wrote none (or none readable)."""
    try:
        record = RunRecord.load(path)
    except StairloadError:
        return None
    return None if record.exit_reason == ExitReason.STARTING else record


def _init_error(log: Path) -> str:
    """``: <message>`` of the first error stairload logged in Locust's init, or ""."""
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    marker = "/ERROR/stairload: "
    found = next((line.split(marker, 1)[1] for line in lines if marker in line), "")
    return f": {found}" if found else ""


def _report(request: RunRequest) -> int | None:
    """Build the report in this process; its exit code, or None when skipped.

    A report that cannot be built is an error (exit 1), never a silent success.
    """
    if request.args.no_report:
        return None
    from reports.cli import build_and_report

    try:
        return build_and_report(request.run_dir, fail_exit_code=request.args.fail_exit_code)
    except StairloadError as error:
        print(
            f"Error: the report could not be built from {request.run_dir}: {error}",
            file=sys.stderr,
        )
        return exitcodes.FAILED


def _finish(
    request: RunRequest,
    host: str | None,
    code: int,
    reason: ExitReason = ExitReason.TARGET_UNREACHABLE,
) -> int:
    """The run ends before Locust started: write the one final record."""
    record = _record(request, host=host, exit_reason=reason)
    replace(record, exit_code=code).dump(request.run_dir / RUN_JSON)
    return code


def _record(request: RunRequest, *, host: str | None, exit_reason: ExitReason) -> RunRecord:
    """What the orchestrator knows itself: the plan and how the run ended."""
    return run_record(
        request.context,
        host=host,
        workers=request.args.workers + request.args.expect_workers,
        started=None,
        ended_at=time.time() if exit_reason != ExitReason.STARTING else None,
        exit_reason=exit_reason,
        load_generator={
            "cpu_warnings": [],
            "processes": [],
            "saturated": False,
            "lost_workers": [],
        },
    )


def _now_iso() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat()
