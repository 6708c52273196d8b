"""The run directory's format, owned here and nowhere else (stdlib only; ``interval_chunks``,
the report's reader of a long ``intervals.csv``, imports pandas when it reads).

Every writer and reader of ``runs/<id>/`` imports its file names, the per-second row of
``intervals.csv``, the ``run.json`` record and the enums from this package. The format
is described in ``docs/run-directory.md``; ``SCHEMA_VERSION`` is checked on read.

Its names load on first use, each from its own module, so that importing one module of
the package (``stairload.rundir.files`` for a file name) does not load the others.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stairload.rundir.files import (
        ALARMS_JSONL,
        HISTORY_CSV,
        INTERVALS_CSV,
        LOCUST_CSV_PREFIX,
        LOCUST_HTML,
        LOCUST_LOG,
        MASTER_RECORD_JSON,
        REPORT_HTML,
        RUN_JSON,
        STAIRS_PNG,
        STEPS_CSV,
        SUMMARY_JSON,
        TARGET_CPU_CSV,
        TARGET_DIR,
        TARGET_LOG,
        worker_log,
    )
    from stairload.rundir.intervals import (
        COLUMNS,
        TOTAL_NAME,
        IntervalRow,
        read_intervals,
        total_row,
    )
    from stairload.rundir.record import (
        SCHEMA_VERSION,
        PlannedStep,
        RunRecord,
        StairsRecord,
        Thresholds,
    )
    from stairload.rundir.states import AlarmState, ExitReason

__all__ = [
    "ALARMS_JSONL",
    "COLUMNS",
    "HISTORY_CSV",
    "INTERVALS_CSV",
    "LOCUST_CSV_PREFIX",
    "LOCUST_HTML",
    "LOCUST_LOG",
    "MASTER_RECORD_JSON",
    "REPORT_HTML",
    "RUN_JSON",
    "SCHEMA_VERSION",
    "STAIRS_PNG",
    "STEPS_CSV",
    "SUMMARY_JSON",
    "TARGET_CPU_CSV",
    "TARGET_DIR",
    "TARGET_LOG",
    "TOTAL_NAME",
    "AlarmState",
    "ExitReason",
    "IntervalRow",
    "PlannedStep",
    "RunRecord",
    "StairsRecord",
    "Thresholds",
    "read_intervals",
    "total_row",
    "worker_log",
]

_MODULE_OF = {
    **dict.fromkeys(
        (
            "ALARMS_JSONL",
            "HISTORY_CSV",
            "INTERVALS_CSV",
            "LOCUST_CSV_PREFIX",
            "LOCUST_HTML",
            "LOCUST_LOG",
            "MASTER_RECORD_JSON",
            "REPORT_HTML",
            "RUN_JSON",
            "STAIRS_PNG",
            "STEPS_CSV",
            "SUMMARY_JSON",
            "TARGET_CPU_CSV",
            "TARGET_DIR",
            "TARGET_LOG",
            "worker_log",
        ),
        "files",
    ),
    **dict.fromkeys(
        ("COLUMNS", "TOTAL_NAME", "IntervalRow", "read_intervals", "total_row"), "intervals"
    ),
    **dict.fromkeys(
        ("SCHEMA_VERSION", "PlannedStep", "RunRecord", "StairsRecord", "Thresholds"), "record"
    ),
    **dict.fromkeys(("AlarmState", "ExitReason"), "states"),
}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'stairload.rundir' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"stairload.rundir.{module}"), name)
    globals()[name] = value  # looked up once
    return value
