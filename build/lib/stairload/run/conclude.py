"""The end of a run: why it ended, its exit code, the report and verdict, the final record.

A report that cannot be built is an error (exit 1), never a silent success.
"""

from __future__ import annotations

import errno
import signal
import sys
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from stairload.core import exitcodes
from stairload.core.errors import StairloadError
from stairload.run.locust_processes import Children
from stairload.run.preview import draw_stairs, stair_title
from stairload.run.record_lifecycle import (
    concluded_record,
    master_record,
    runner_record,
    running_record,
    write_final,
)
from stairload.run.request import RunRequest
from stairload.run.stop import StopRequest
from stairload.rundir import INTERVALS_CSV, LOCUST_LOG, STAIRS_PNG, ExitReason, RunRecord
from stairload.rundir.atomic import RunDirFault, probe
from stairload.rundir.intervals import iter_intervals

FAULT_REASONS = (ExitReason.DISK_FULL, ExitReason.RUN_DIR_UNWRITABLE)


def conclude(
    request: RunRequest,
    host: str,
    stop: StopRequest,
    children: Children,
    locust_code: int,
    machine_load: dict[str, Any],
) -> int:
    """After Locust exited: build the report, write the final ``run.json``; the exit code."""
    master = master_record(request)
    fault = stop.run_dir_fault or run_dir_fault(request, locust_code, master)
    if master is None or not master.exit_reason.finished:
        reason = stop.reason or (fault and fault.reason) or ExitReason.ERROR
    else:
        reason = stop.reason or (fault and fault.reason) or master.exit_reason
    code = _run_code(reason, stop, locust_code, master)
    base = master or running_record(request)
    record = concluded_record(
        request,
        base or runner_record(request, host=host, exit_reason=reason),
        exit_reason=reason,
        locust_exit_code=locust_code,
        lost_workers=children.lost,
        machine_load=machine_load,
    )
    if reason in FAULT_REASONS:
        return _end_on_fault(request, record, fault, code)
    if reason == ExitReason.ERROR:
        killed = killed_master(request, children, locust_code, base)
        if killed:
            record.extras["master_killed"] = killed
        print(f"Error: {_why_stopped(request, locust_code, killed)}", file=sys.stderr)
    try:
        draw_plan(request)
        report_code = build_report(request, record)
    except RunDirFault as fault:  # the report could not be written: the run ends on it
        faulted = replace(record, exit_reason=fault.reason)
        return _end_on_fault(request, faulted, fault, fault.exit_code)
    except BaseException:
        # a report that crashed did not pass either
        write_final(request, record, exitcodes.FAILED if code == exitcodes.OK else code)
        raise
    if code == exitcodes.OK and report_code is not None:
        code = report_code  # the verdict's code is the command's
    try:
        write_final(request, record, code)
    except RunDirFault as fault:
        faulted = replace(record, exit_reason=fault.reason)
        return _end_on_fault(request, faulted, fault, fault.exit_code)
    return code


def end_before_locust(
    request: RunRequest,
    host: str | None,
    code: int,
    reason: ExitReason = ExitReason.TARGET_UNREACHABLE,
) -> int:
    """The run ends before Locust started: write the one final record; ``code``."""
    write_final(request, runner_record(request, host=host, exit_reason=reason), code)
    return code


def end_on_fault(request: RunRequest, host: str | None, fault: RunDirFault) -> int:
    """The runner itself could not write the run directory: the one line, the final record."""
    record = runner_record(request, host=host, exit_reason=fault.reason)
    return _end_on_fault(request, record, fault, fault.exit_code)


def run_dir_fault(
    request: RunRequest, locust_code: int, master: RunRecord | None
) -> RunDirFault | None:
    """Why the run directory failed the run, or None.

    The master exits with the fault's code when it caught one; a master that exited
    otherwise with no end record may have died of it (Locust's own writers): then the
    run directory is tried once more.
    """
    reason = {
        exitcodes.DISK_FULL: ExitReason.DISK_FULL,
        exitcodes.RUN_DIR_UNWRITABLE: ExitReason.RUN_DIR_UNWRITABLE,
    }.get(locust_code)
    found = probe(request.run_dir)
    if found is not None and (reason or master is None):
        return found
    if reason is not None:  # the master saw it, and a small file fits again
        number = errno.ENOSPC if reason == ExitReason.DISK_FULL else errno.EROFS
        return RunDirFault(request.run_dir, OSError(number, f"see {LOCUST_LOG}"))
    return None


def _end_on_fault(
    request: RunRequest, record: RunRecord, fault: RunDirFault | None, code: int
) -> int:
    """The run's final record after a fault of its run directory, one line, no report."""
    why = str(fault) if fault is not None else exitcodes.of_reason(record.exit_reason).meaning
    before = running_record(request)
    try:
        write_final(request, record, code)
    except RunDirFault as error:
        state = before.exit_reason.value if before is not None else "starting"
        why = str(fault or error)
        print(
            f"Error: {why}; run.json could not be written either: it still says {state!r}",
            file=sys.stderr,
            flush=True,
        )
        return code
    print(f"Error: {why}", file=sys.stderr, flush=True)
    print(
        "[stairload] no report: once the run directory has room, build it from what was "
        f"written: stairload report build {request.run_dir}",
        flush=True,
    )
    return code


def _run_code(
    reason: ExitReason, stop: StopRequest, locust_code: int, master: RunRecord | None
) -> int:
    """The exit code the run's end gives, before any verdict (``exitcodes.ENDINGS``)."""
    if stop.reason:
        return exitcodes.code_of(stop.reason)  # Ctrl-C or SIGTERM
    if reason in FAULT_REASONS:
        return exitcodes.code_of(reason)
    if reason == ExitReason.ERROR and locust_code == exitcodes.USAGE:
        return exitcodes.USAGE  # our own check in Locust's init refused the run
    if reason == ExitReason.ABORTED:
        abort = (master.extras if master is not None else {}).get("abort") or {}
        print(
            f"[stairload] aborted at step {abort.get('step')} (t={abort.get('time_s')}s): "
            f"alarm {abort.get('alarm')!r} entered ALARM: {abort.get('reason')}",
            file=sys.stderr,
            flush=True,
        )
        return exitcodes.code_of(reason)
    if reason != ExitReason.COMPLETED:
        return exitcodes.LOCUST_FAILED  # Locust stopped first: an error, or the master's own end
    return exitcodes.code_of(reason)


def draw_plan(request: RunRequest) -> None:
    """``stairs.png``, drawn now that the load has stopped (see ``stairload.run.preview``)."""
    context = request.context
    draw_stairs(context.stairs, stair_title(context), request.run_dir / STAIRS_PNG)


def build_report(request: RunRequest, record: RunRecord) -> int | None:
    """Build the report in this process from ``record``; its exit code, or None when skipped.

    A report that cannot be built is an error (exit 1), never a silent success.
    """
    if request.spec.no_report:
        return None
    from reports.console import build_and_report

    try:
        return build_and_report(
            request.run_dir, fail_exit_code=request.spec.fail_exit_code, record=record
        )
    except RunDirFault:
        raise
    except StairloadError as error:
        print(
            f"Error: the report could not be built from {request.run_dir}: {error}",
            file=sys.stderr,
        )
        return exitcodes.FAILED


def killed_master(
    request: RunRequest, children: Children, locust_code: int, running: RunRecord | None
) -> dict[str, Any] | None:
    """A master killed by a signal after the load started: the signal and the seconds."""
    if locust_code >= 0 or running is None or running.started_at is None:
        return None
    started = datetime.fromisoformat(running.started_at).timestamp()
    ended = children.master_ended_at or time.time()
    return {
        "signal": -locust_code,
        "after_seconds": round(max(0.0, ended - started), 1),
        "recorded_seconds": recorded_seconds(request.run_dir / INTERVALS_CSV),
    }


def recorded_seconds(path: Path) -> int:
    """How many seconds ``intervals.csv`` holds (0 when it is missing or unreadable)."""
    try:
        return len({row.time_s for row in iter_intervals(path)})
    except (OSError, StairloadError):
        return 0


def _why_stopped(request: RunRequest, locust_code: int, killed: dict[str, Any] | None) -> str:
    if killed is None:
        return _why_no_start(request, locust_code)
    name = signal_name(killed["signal"])
    return (
        f"the Locust master was killed ({name}) after {killed['after_seconds']:g} seconds "
        f"of the stair; it recorded {killed['recorded_seconds']} seconds; see "
        f"{request.run_dir / LOCUST_LOG}"
    )


def signal_name(number: int) -> str:
    """``signal 9 (SIGKILL)``."""
    try:
        return f"signal {number} ({signal.Signals(number).name})"
    except ValueError:
        return f"signal {number}"


def _why_no_start(request: RunRequest, locust_code: int) -> str:
    log = request.run_dir / LOCUST_LOG
    spec = request.spec
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    if spec.expect_workers and "Gave up waiting for workers" in text:
        return (
            f"--expect-workers: {spec.all_workers} worker(s) did not all "
            f"connect within {spec.expect_workers_timeout} s (--expect-workers-timeout); "
            f"see {log}"
        )
    why = _init_error(log)
    return f"Locust stopped before the run started (exit {locust_code}){why}; see {log}"


def _init_error(log: Path) -> str:
    """``: <message>`` of the first error stairload logged in Locust's init, or ""."""
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    marker = "/ERROR/stairload: "
    found = next((line.split(marker, 1)[1] for line in lines if marker in line), "")
    return f": {found}" if found else ""
