"""stairload.rundir: run.json round trip and schema check, intervals.csv rows and the Total row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stairload.core.errors import ConfigError
from stairload.rundir import (
    COLUMNS,
    SCHEMA_VERSION,
    ExitReason,
    IntervalRow,
    PlannedStep,
    RunRecord,
    StairsRecord,
    Thresholds,
    read_intervals,
    total_row,
)

_RECORD = RunRecord(
    stairs=StairsRecord(steps=(PlannedStep(1, 10, 0.0, 1.0, 60.0),), total_seconds=60.0),
    thresholds=Thresholds(mtt_ms=500.0, error_rate=0.01),
    run_id="r1",
    exit_reason=ExitReason.RUNNING,
    extras={"future_field": [1, 2]},
)


def test_a_record_reads_back_equal(tmp_path: Path) -> None:
    """dump then load gives the same record, unknown top-level keys included."""
    _RECORD.dump(tmp_path / "run.json")
    assert RunRecord.load(tmp_path / "run.json") == _RECORD


def test_the_written_file_names_its_schema(tmp_path: Path) -> None:
    """run.json starts with the schema version this code writes."""
    _RECORD.dump(tmp_path / "run.json")
    doc = json.loads((tmp_path / "run.json").read_text())
    assert next(iter(doc.items())) == ("schema", SCHEMA_VERSION)


def test_another_schema_is_refused_with_both_versions(tmp_path: Path) -> None:
    """A run.json of another format version is a ConfigError naming both versions."""
    doc = {**_RECORD.to_json(), "schema": SCHEMA_VERSION + 1}
    (tmp_path / "run.json").write_text(json.dumps(doc))
    with pytest.raises(ConfigError) as refused:
        RunRecord.load(tmp_path / "run.json")
    assert str(refused.value) == (
        f"run.json: schema {SCHEMA_VERSION + 1} is not supported by this version (reads 1 and 2)"
    )


@pytest.mark.parametrize("schema", [1, 2])
def test_schema_1_runs_are_still_read(tmp_path: Path, schema: int) -> None:
    """A schema-1 run.json (ms:count histograms in intervals.csv) loads as schema 2 does."""
    assert SCHEMA_VERSION == 2
    doc = {**_RECORD.to_json(), "schema": schema}
    (tmp_path / "run.json").write_text(json.dumps(doc))
    assert RunRecord.load(tmp_path / "run.json") == _RECORD


@pytest.mark.parametrize("schema", [0, 3, "1", True, 1.5])
def test_other_schemas_are_refused(tmp_path: Path, schema: object) -> None:
    """Only the integers 1 and 2 are schemas this version reads."""
    doc = {**_RECORD.to_json(), "schema": schema}
    (tmp_path / "run.json").write_text(json.dumps(doc))
    with pytest.raises(ConfigError, match="reads 1 and 2"):
        RunRecord.load(tmp_path / "run.json")


def test_an_unknown_exit_reason_is_named(tmp_path: Path) -> None:
    """An exit_reason outside ExitReason names the field and the value."""
    doc = {**_RECORD.to_json(), "exit_reason": "bored"}
    with pytest.raises(ConfigError, match=r"^run.json: exit_reason: .* \(got .bored.\)$"):
        RunRecord.from_json(doc)


def test_rows_read_back_typed(tmp_path: Path) -> None:
    """A written row reads back equal, empty cells as None."""
    rows = [
        IntervalRow(3, 3.0, "GET", "/trips", 5, 6, 2, 1, 10.0, 9.0, 10, 11, 11, 11.0),
        IntervalRow(3, 3.0, "", "Total", 5, 6, 0, 0, target_cpu_percent=12.5),
    ]
    path = tmp_path / "intervals.csv"
    lines = [",".join(COLUMNS)] + [",".join(map(str, row.cells())) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    assert read_intervals(path) == rows


def test_total_row_is_the_row_named_total_without_method() -> None:
    """total_row picks the Total row, not a request that happens to be named Total."""
    named = IntervalRow(0, 0.0, "GET", "Total", 1, 1, 1, 0)
    total = IntervalRow(0, 0.0, "", "Total", 1, 1, 1, 0)
    assert total_row([total, named]) is total
    assert total_row([named]) is None


def test_every_exported_name_loads_from_its_module() -> None:
    """The package's names load on first use, each the object one of its modules defines."""
    import importlib

    import stairload.rundir as rundir

    homes = [
        importlib.import_module(f"stairload.rundir.{module}")
        for module in ("files", "intervals", "record", "states")
    ]
    for name in rundir.__all__:
        value = getattr(rundir, name)
        assert any(getattr(home, name, None) is value for home in homes), name
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = rundir.nothing
