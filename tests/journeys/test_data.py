"""Data-file rows per virtual user: sequential, random, unique, and split across processes."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from stairload.journeys.data import (
    DataExhausted,
    RowPicker,
    iter_rows,
    read_data_file,
    row_at,
)


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
    assert data.columns == ("id", "note") and row_at(data, 0) == {"id": "007", "note": "a, b"}


def _tricky(tmp_path: Path, rows: int) -> tuple[Path, list[dict[str, str]]]:
    """A file with a byte-order mark, blank lines, quoted commas and line breaks, CRLF."""
    expected = []
    lines = ["\ufeffname,note\r\n"]
    for number in range(rows):
        note = f"line one\nline two {number}" if number % 7 == 0 else f"a, b {number}"
        expected.append({"name": f"n{number}", "note": note})
        lines.append(f'n{number},"{note}"\r\n')
        if number % 50 == 0:
            lines.append("\r\n")
    path = tmp_path / "tricky.csv"
    path.write_bytes("".join(lines).encode("utf-8"))
    return path, expected


def test_every_row_is_found_from_the_noted_offsets(tmp_path: Path) -> None:
    """row_at and iter_rows read the same rows as a whole-file parse, across index blocks."""
    path, expected = _tricky(tmp_path, 300)
    data = read_data_file(path, "random")
    assert data.row_count == 300 and len(data.offsets) == 5
    assert [row_at(data, number) for number in range(300)] == expected
    assert list(iter_rows(data, 130, 3)) == expected[130::3]


def test_sequential_processes_wrap_over_their_own_rows(tmp_path: Path) -> None:
    """Process 2 of 3 of a 200-row file takes rows 1, 4, ..., 199, then 1 again."""
    path, expected = _tricky(tmp_path, 200)
    picker = RowPicker(read_data_file(path, "sequential"), None, 1, 3)
    own = expected[1::3]
    assert [picker.next_row() for _ in range(len(own) + 2)] == [*own, *own[:2]]


_MEMORY = """
import sys
from stairload.journeys.data import RowPicker, read_data_file
data = read_data_file(__import__("pathlib").Path(sys.argv[1]), "random")
picker = RowPicker(data)
rows = [picker.next_row() for _ in range(1000)]
# VmHWM: this process's own peak (ru_maxrss would count the forking parent's pages)
status = open("/proc/self/status").read().split("VmHWM:")[1]
print(data.row_count, int(status.split()[0]) // 1024)
"""


def test_a_data_file_bigger_than_memory_wants_is_streamed(tmp_path: Path) -> None:
    """A 60 MB file (over the old 50 MB whole-file cap) loads and hands out random rows in
    the memory of an empty run (it was read whole: ~6 bytes of memory per byte of file)."""
    import subprocess
    import sys

    path = tmp_path / "big.csv"
    row = "user{0:07d},password{0:07d}\n"
    with path.open("w") as handle:
        handle.write("username,password\n")
        handle.writelines(row.format(number) for number in range(2_200_000))
    assert path.stat().st_size > 60_000_000
    done = subprocess.run(
        [sys.executable, "-c", _MEMORY, str(path)], capture_output=True, text=True, check=True
    )
    count, peak_mb = map(int, done.stdout.split())
    assert count == 2_200_000
    assert peak_mb < 120, peak_mb
