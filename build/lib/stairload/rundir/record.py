"""``run.json``: the ``RunRecord`` of a run, its one writer (``dump``) and one reader (``load``).

``load`` checks ``schema`` first: a run directory written by a version of the format this
one cannot read is refused with one line saying which versions these are. Schema 2 (this
version writes it) has microsecond HDR histograms in ``intervals.csv``; schema 1 had
Locust-rounded ``ms:count`` histograms, still read (``stairload.rundir.latency``).
Each mistake names the field path and the value, e.g.
``run.json: thresholds.mtt_ms: must be a number > 0 (got 'fast')``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from stairload.core.errors import ConfigError, InputError
from stairload.rundir.atomic import write_file
from stairload.rundir.files import RUN_JSON
from stairload.rundir.states import ExitReason

SCHEMA_VERSION = 2
READABLE_SCHEMAS = (1, 2)
"""The schemas ``load`` reads; they differ only in ``intervals.csv``'s histograms."""


@dataclass(frozen=True)
class PlannedStep:
    """One plateau of the planned load, times in seconds since the run started (scaled)."""

    step: int
    users: int
    start_s: float
    ramp_end_s: float
    end_s: float


@dataclass(frozen=True)
class StairsRecord:
    """The planned load shape: its numbers and its plateaus in order."""

    steps: tuple[PlannedStep, ...]
    start_users: int = 0
    end_users: int = 0
    step_users: int = 0
    step_seconds: float = 0.0
    hold_seconds: float = 0.0
    spawn_rate: float = 0.0
    total_seconds: float = 0.0
    probes: tuple[PlannedStep, ...] = ()


@dataclass(frozen=True)
class Thresholds:
    """The pass/fail limits the run is judged against."""

    mtt_ms: float
    error_rate: float


@dataclass(frozen=True)
class RunRecord:
    """Everything a reader needs to interpret a run directory (``run.json``).

    ``cases``, ``plan``, ``inputs``, ``versions``, ``machine`` and ``load_generator`` are
    kept as the JSON objects they are; ``extras`` holds any other top-level key, written
    back unchanged.
    """

    stairs: StairsRecord
    thresholds: Thresholds
    run_id: str = ""
    scenario: str = ""
    case: str = ""
    shape: str = "stairs"
    host: str | None = None
    embedded_target: bool = False
    workers: int = 0
    time_scale: float = 1.0
    users_scale: float = 1.0
    started_at: str | None = None
    ended_at: str | None = None
    duration_seconds: float | None = None
    exit_reason: ExitReason = ExitReason.COMPLETED
    exit_code: int | None = None
    locust_exit_code: int | None = None
    workers_reason: str = ""  # why this many Locust workers (stairload run --workers auto)
    target_workers: int | None = None  # server workers of the embedded target
    target_cpus: float | None = None  # the embedded target's CPU budget in cores (--target-cpus)
    machine: dict[str, Any] = field(default_factory=dict)  # cores and platform of the run
    cases: dict[str, Any] = field(default_factory=dict)  # each case's dau, think_time_seconds
    inputs: dict[str, Any] = field(default_factory=dict)
    plan: dict[str, Any] = field(default_factory=dict)
    journey: tuple[Any, ...] = ()
    versions: dict[str, Any] = field(default_factory=dict)
    load_generator: dict[str, Any] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``run.json``, ``schema`` first."""
        doc: dict[str, Any] = {"schema": SCHEMA_VERSION}
        for item in fields(self):
            if item.name == "extras":
                continue
            value = getattr(self, item.name)
            if item.name == "stairs":
                value = _stairs_json(value)
            elif item.name == "thresholds":
                value = {"mtt_ms": value.mtt_ms, "error_rate": value.error_rate}
            elif item.name == "exit_reason":
                value = value.value
            elif item.name == "journey":
                value = list(value)
            doc[item.name] = value
        return {**doc, **self.extras}

    def dump(self, path: Path) -> None:
        """Write ``path`` atomically: a reader never sees half a file; ``RunDirFault``."""
        write_file(path, json.dumps(self.to_json(), indent=2) + "\n")

    @classmethod
    def load(cls, path: Path) -> RunRecord:
        """Read and check ``path``; raise ``InputError`` or ``ConfigError`` naming the field."""
        try:
            size = path.stat().st_size
            if size > MAX_RUN_JSON_BYTES:
                raise InputError(f"{RUN_JSON}: is larger than {MAX_RUN_JSON_BYTES:,} bytes")
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(f"{RUN_JSON}: not found in {path.parent}") from None
        except UnicodeDecodeError:
            raise InputError(f"{RUN_JSON}: not UTF-8 text") from None
        except OSError as exc:
            raise InputError(f"{RUN_JSON}: cannot read ({exc.strerror})") from None
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{RUN_JSON}: line {exc.lineno}: not valid JSON ({exc.msg}, column {exc.colno})"
            ) from None
        except RecursionError:
            doc = None
        if doc is None or _too_deep(doc):
            raise InputError(f"{RUN_JSON}: nested more than {MAX_RUN_JSON_DEPTH} levels deep")
        return cls.from_json(doc)

    @classmethod
    def from_json(cls, doc: Any) -> RunRecord:
        """The record of a parsed ``run.json`` object, checked field by field."""
        if not isinstance(doc, dict):
            raise InputError(f"{RUN_JSON}: must be a JSON object (got {type(doc).__name__})")
        _check_schema(doc)
        from stairload.rundir._validate import record_fields

        known = {item.name for item in fields(cls)} - {"extras"}
        extras = {key: value for key, value in doc.items() if key not in known | {"schema"}}
        return cls(**record_fields(doc), extras=extras)


MAX_RUN_JSON_BYTES = 512 * 1024 * 1024  # a day-long run with many workers is tens of MB
MAX_RUN_JSON_DEPTH = 32  # run.json's own structure is a few levels deep


def _too_deep(doc: Any) -> bool:
    """Whether arrays and objects nest deeper than ``MAX_RUN_JSON_DEPTH`` (no recursion)."""
    level: list[Any] = [doc]
    for _ in range(MAX_RUN_JSON_DEPTH):
        level = [
            child
            for value in level
            if isinstance(value, dict | list)
            for child in (value.values() if isinstance(value, dict) else value)
            if isinstance(child, dict | list)
        ]
        if not level:
            return False
    return True


_READABLE = " and ".join(str(schema) for schema in READABLE_SCHEMAS)


def _check_schema(doc: dict[str, Any]) -> None:
    if "schema" not in doc:
        raise ConfigError(RUN_JSON, "schema", f"missing (this version reads {_READABLE})")
    schema = doc["schema"]
    if type(schema) is not int or schema not in READABLE_SCHEMAS:
        raise ConfigError(
            RUN_JSON,
            "",
            f"schema {schema} is not supported by this version (reads {_READABLE})",
        )


def _stairs_json(stairs: StairsRecord) -> dict[str, Any]:
    doc: dict[str, Any] = {
        item.name: getattr(stairs, item.name)
        for item in fields(stairs)
        if item.name not in ("steps", "probes")
    }
    doc["steps"] = [_step_json(step) for step in stairs.steps]
    if stairs.probes:
        doc["probes"] = [_step_json(step) for step in stairs.probes]
    return doc


def _step_json(step: PlannedStep) -> dict[str, Any]:
    return {item.name: getattr(step, item.name) for item in fields(step)}
