"""Data-file rows per virtual user: sequential, random, unique, and split across processes."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from stairload.journeys.data import DataExhausted, RowPicker, read_data_file


def _data(tmp_path: Path, pick: str, rows: int = 3):
    path = tmp_path / "users.csv"
    path.write_text("username,password\n" + "".join(f"u{i},p{i}\n" for i in range(1, rows + 1)))
    return read_data_file(path, pick)


def test_sequential_hands_rows_out_in_order_and_wraps(tmp_path: Path) -> None:
    """Users get rows 1, 2, 3, then 1 again."""
    picker = RowPicker(_data(tmp_path, "sequential"))
    assert [picker.next_row()["username"] for _ in range(4)] == ["u1", "u2", "u3", "u1"]


def test_random_draws_any_row(tmp_path: Path) -> None:
    """Random picks reach every row, in no fixed order."""
    picker = RowPicker(_data(tmp_path, "random"), random.Random(1))
    assert {picker.next_row()["username"] for _ in range(60)} == {"u1", "u2", "u3"}


def test_unique_gives_each_row_once_then_fails_plainly(tmp_path: Path) -> None:
    """The fourth user of a three-row unique file gets a clear error, not a reused row."""
    picker = RowPicker(_data(tmp_path, "unique"))
    assert [picker.next_row()["username"] for _ in range(3)] == ["u1", "u2", "u3"]
    with pytest.raises(DataExhausted, match=r"users\.csv: all 3 rows are taken"):
        picker.next_row()


def test_processes_take_disjoint_rows(tmp_path: Path) -> None:
    """Load generator 2 of 2 takes rows 2, 4, ... so unique holds across processes."""
    data = _data(tmp_path, "unique", rows=5)
    first, second = RowPicker(data, process_index=0, processes=2), RowPicker(data, None, 1, 2)
    assert [first.next_row()["username"] for _ in range(3)] == ["u1", "u3", "u5"]
    assert [second.next_row()["username"] for _ in range(2)] == ["u2", "u4"]


def test_columns_are_stripped_and_values_kept_as_text(tmp_path: Path) -> None:
    """A header with spaces around names still gives plain variable names."""
    path = tmp_path / "d.csv"
    path.write_text(" id , note\n007,a, b\n".replace("a, b", '"a, b"'))
    data = read_data_file(path, "sequential")
    assert data.columns == ("id", "note") and data.rows[0] == {"id": "007", "note": "a, b"}
