"""The end of a run: why it ended, its exit code, the report and verdict, the final record.

A report that cannot be built is an error (exit 1), never a silent success.
"""

from __future__ import annotations

import sys
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
    write_final,
)
from stairload.run.request import RunRequest
from stairload.run.stop import StopRequest
from stairload.rundir import LOCUST_LOG, STAIRS_PNG, ExitReason, RunRecord


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
    if master is None or not master.exit_reason.finished:
        reason = stop.reason or ExitReason.ERROR
    else:
        reason = stop.reason or master.exit_reason
    code = _run_code(reason, stop, locust_code, master)
    record = concluded_record(
        request,
        master or runner_record(request, host=host, exit_reason=reason),
        exit_reason=reason,
        locust_exit_code=locust_code,
        lost_workers=children.lost,
        machine_load=machine_load,
    )
    if reason == ExitReason.ERROR:
        print(f"Error: {_why_no_start(request, locust_code)}", file=sys.stderr)
    report_code: int | None = exitcodes.FAILED  # a report that crashed did not pass either
    try:
        draw_plan(request)
        report_code = build_report(request, record)
    finally:
        if code == exitcodes.OK and report_code is not None:
            code = report_code  # the verdict's code is the command's
        write_final(request, record, code)
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


def _run_code(
    reason: ExitReason, stop: StopRequest, locust_code: int, master: RunRecord | None
) -> int:
    """The exit code the run's end gives, before any verdict (``exitcodes.ENDINGS``)."""
    if stop.reason:
        return exitcodes.code_of(stop.reason)  # Ctrl-C or SIGTERM
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
    except StairloadError as error:
        print(
            f"Error: the report could not be built from {request.run_dir}: {error}",
            file=sys.stderr,
        )
        return exitcodes.FAILED


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
