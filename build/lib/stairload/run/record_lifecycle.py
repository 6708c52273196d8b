"""``run.json`` as the runner writes it: planned before Locust starts, final once at the end.

The moments of ``run.json``, each owned by one process (it is never read back to be patched):

1. the runner: the planned record (``starting``), before the target or Locust starts;
2. Locust's master: ``running`` when the load starts. At its end it hands its own record
   to the runner in ``MASTER_RECORD_JSON`` (or writes ``run.json`` itself when the runner
   was killed: ``runner_lost``; see ``stairload.loadgen.run_record.end_record_name``);
3. the runner, after Locust exited and the report was built: the final record, with the
   code the command exits with, written once; then it removes the master's hand-over.

A run killed at any moment leaves a loadable ``run.json`` whose ``exit_reason`` says how
far it got.
"""

from __future__ import annotations

import contextlib
import platform
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from stairload.core.errors import StairloadError
from stairload.loadgen.run_record import run_record
from stairload.run.request import RunRequest
from stairload.run.workers import available_cores
from stairload.rundir import MASTER_RECORD_JSON, RUN_JSON, ExitReason, RunRecord
from stairload.rundir.atomic import write_file

RESERVE_NAME = ".stairload-reserve"  # room kept for the final run.json on a full disk
RESERVE_BYTES = 1024 * 1024


def write_planned(request: RunRequest, host: str | None) -> None:
    """Moment 1: the plan, ``starting``, before any child process starts.

    Also keeps ``RESERVE_BYTES`` of the disk in a hidden file, given back just before the
    final record: a run that filled its disk still ends with a final ``run.json``.
    """
    runner_record(request, host=host, exit_reason=ExitReason.STARTING).dump(
        request.run_dir / RUN_JSON
    )
    write_file(request.run_dir / RESERVE_NAME, bytes(RESERVE_BYTES))


def release_reserve(request: RunRequest) -> None:
    """Give back the disk space ``write_planned`` kept."""
    with contextlib.suppress(OSError):
        (request.run_dir / RESERVE_NAME).unlink()


def running_record(request: RunRequest) -> RunRecord | None:
    """The record the master wrote when the load started (``running``), or None."""
    try:
        record = RunRecord.load(request.run_dir / RUN_JSON)
    except StairloadError:
        return None
    return record if record.exit_reason == ExitReason.RUNNING else None


def runner_record(request: RunRequest, *, host: str | None, exit_reason: ExitReason) -> RunRecord:
    """What the runner knows itself: the plan and how the run ended."""
    return run_record(
        request.context,
        host=host,
        workers=request.spec.all_workers,
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


def master_record(request: RunRequest) -> RunRecord | None:
    """The end record the Locust master handed over, or None when it wrote none readable."""
    try:
        return RunRecord.load(request.run_dir / MASTER_RECORD_JSON)
    except StairloadError:
        return None


def concluded_record(
    request: RunRequest,
    base: RunRecord,
    *,
    exit_reason: ExitReason,
    locust_exit_code: int,
    lost_workers: list[dict[str, Any]],
    machine_load: dict[str, Any],
) -> RunRecord:
    """``base`` (the master's record, or the runner's) with what only the runner knows.

    Its ``exit_code`` is left to ``write_final``: the report's verdict may still change it.
    """
    generator = dict(base.load_generator)
    generator["lost_workers"] = [*generator.get("lost_workers", []), *lost_workers]
    return replace(
        base,
        exit_reason=exit_reason,
        locust_exit_code=locust_exit_code,
        ended_at=base.ended_at or datetime.now(UTC).isoformat(),
        load_generator=generator,
        workers_reason=request.spec.workers_reason,
        target_workers=request.spec.target_workers if base.embedded_target else None,
        target_cpus=request.spec.target_cpus if base.embedded_target else None,
        machine={"cores": available_cores(), "platform": platform.platform(), **machine_load},
    )


def write_final(request: RunRequest, record: RunRecord, exit_code: int) -> None:
    """Moment 3: the final record with the code the command exits with, written once."""
    release_reserve(request)
    replace(record, exit_code=exit_code).dump(request.run_dir / RUN_JSON)
    (request.run_dir / MASTER_RECORD_JSON).unlink(missing_ok=True)
