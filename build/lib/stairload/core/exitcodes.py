"""How a stairload command ends: every exit code and every way a run ends, in one table.

``ENDINGS`` has one row per exit code and per ``run.json`` ``exit_reason``: the code, its
name and meaning on the run's last console line (``stairload.run.outcome``), the reason a
run that ends with it records in ``run.json`` (``stairload.run.conclude``) and the note the
report shows for that reason (``reports.verdict``). A run killed before it could exit has
a row without a code. ``stairload warmup``'s and ``stairload report gate``'s own codes are
rows too, numbered apart from the codes a run uses, so a number means one thing whichever
command exited with it.

The names below (``exitcodes.USAGE``...) are the numbers of the rows; ``ExitReason`` is
``run.json``'s ``exit_reason`` (``stairload.rundir`` re-exports it with the file format).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ExitReason(StrEnum):
    """``run.json``'s ``exit_reason``: how a run ended."""

    STARTING = "starting"  # written before Locust starts; left behind if the runner was killed
    RUNNING = "running"  # written when the load starts; likewise
    COMPLETED = "completed"
    INTERRUPTED = "interrupted"  # Ctrl-C
    TERMINATED = "terminated"  # SIGTERM
    TARGET_UNREACHABLE = "target_unreachable"
    ERROR = "error"  # Locust stopped before the run started
    ABORTED = "aborted"  # an alarm rule with ``abort`` stopped the run
    RUNNER_LOST = "runner_lost"  # the runner was killed; its children stopped with it
    DISK_FULL = "disk_full"  # a file of the run directory could not be written: no space
    RUN_DIR_UNWRITABLE = "run_dir_unwritable"  # ... : read-only, no permission, a symlink

    @property
    def finished(self) -> bool:
        """Whether the run recorded its end (not ``starting`` or ``running``)."""
        return self not in (ExitReason.STARTING, ExitReason.RUNNING)


OK = 0
FAILED = 1
USAGE = 2
TARGET_UNREACHABLE = 3
LOCUST_FAILED = 4
WARMUP_COMPLETION_FAILED = 5
WARMUP_TOO_MANY_ERRORS = 6
DISK_FULL = 7
RUN_DIR_UNWRITABLE = 8
REGRESSED = 96
ABORTED = 97
INCONCLUSIVE = 98
VERDICT_FAIL = 99
INTERRUPTED = 130
TERMINATED = 143


@dataclass(frozen=True)
class Ending:
    """One way a command ends: its exit code, the code's name and meaning, a run's reason."""

    code: int | None  # None: the process was killed before it could exit with a code
    name: str  # on the run's last console line; "" shows the number alone
    meaning: str
    reason: ExitReason | None = None  # run.json's exit_reason of a run that ends so
    note: str | None = None  # the report's sentence about a run that ended so
    command: str = ""  # the one subcommand that exits with it ("warmup"...); "": any


_ABRUPT = "The run ended abruptly: "
_STILL_SAYS = "processes were killed before it recorded its end)."

ENDINGS = (
    Ending(
        OK,
        "PASS",
        "the verdict passed (with --no-report: the run completed, NOT JUDGED)",
        ExitReason.COMPLETED,
    ),
    Ending(FAILED, "", "the command could not do its job for a reason that is not a user mistake"),
    Ending(USAGE, "USAGE", "a bad option or configuration; nothing ran"),
    Ending(
        TARGET_UNREACHABLE,
        "TARGET UNREACHABLE",
        "the target did not answer",
        ExitReason.TARGET_UNREACHABLE,
        "The run stopped because the target was unreachable.",
    ),
    Ending(
        LOCUST_FAILED,
        "LOCUST FAILED",
        "Locust itself failed; see locust.log",
        ExitReason.ERROR,
        "The run stopped on an error.",
    ),
    Ending(
        WARMUP_COMPLETION_FAILED,
        "COMPLETION FAILED",
        "the completion call did not answer 200",
        command="warmup",
    ),
    Ending(
        WARMUP_TOO_MANY_ERRORS,
        "TOO MANY ERRORS",
        "the error rate went past --max-error-rate (completion not called)",
        command="warmup",
    ),
    Ending(
        DISK_FULL,
        "DISK FULL",
        "a file of the run directory could not be written: the disk is full",
        ExitReason.DISK_FULL,
        "The run stopped because its disk was full: the files hold what was written before.",
    ),
    Ending(
        RUN_DIR_UNWRITABLE,
        "RUN DIRECTORY NOT WRITABLE",
        "a file of the run directory could not be written (read-only, no permission, a symlink)",
        ExitReason.RUN_DIR_UNWRITABLE,
        "The run stopped because its run directory could not be written: the files hold "
        "what was written before.",
    ),
    Ending(
        REGRESSED,
        "REGRESSED",
        "the run regressed against its baseline",
        command="report gate",
    ),
    Ending(
        ABORTED,
        "ABORTED",
        "an alarm rule with abort stopped the run",
        ExitReason.ABORTED,
        "The run was stopped by an alarm rule with abort.",
    ),
    Ending(INCONCLUSIVE, "INCONCLUSIVE", "the measurement is not valid"),
    Ending(VERDICT_FAIL, "FAIL", "the verdict failed"),
    Ending(
        INTERRUPTED,
        "INTERRUPTED",
        "Ctrl-C",
        ExitReason.INTERRUPTED,
        "The run was interrupted (Ctrl-C) before the plan finished.",
    ),
    Ending(
        TERMINATED,
        "TERMINATED",
        "SIGTERM",
        ExitReason.TERMINATED,
        "The run was terminated (SIGTERM) before the plan finished.",
    ),
    Ending(
        None,
        "",
        "the runner was killed",
        ExitReason.RUNNER_LOST,
        f"{_ABRUPT}its runner was killed, and its target, master and workers stopped with it.",
    ),
    Ending(
        None,
        "",
        "killed before Locust started",
        ExitReason.STARTING,
        f"{_ABRUPT}run.json still says 'starting' (its {_STILL_SAYS}",
    ),
    Ending(
        None,
        "",
        "killed while the load ran",
        ExitReason.RUNNING,
        f"{_ABRUPT}run.json still says 'running' (its {_STILL_SAYS}",
    ),
)

_BY_CODE = {ending.code: ending for ending in ENDINGS if ending.code is not None}
_BY_REASON = {ending.reason: ending for ending in ENDINGS if ending.reason is not None}


def of_code(code: int) -> Ending | None:
    """The row of exit code ``code``; None for a code of no row (``--fail-exit-code 42``)."""
    return _BY_CODE.get(code)


def of_reason(reason: ExitReason | str) -> Ending:
    """The row of a run that ended for ``reason`` (``run.json``'s ``exit_reason``)."""
    return _BY_REASON[ExitReason(reason)]


def code_of(reason: ExitReason) -> int:
    """The exit code a run that ended for ``reason`` exits with (before any verdict)."""
    code = of_reason(reason).code
    if code is None:
        raise ValueError(f"a run that ended {reason.value!r} exits with no code of its own")
    return code
