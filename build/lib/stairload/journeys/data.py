"""A scenario's data file: CSV rows handed to virtual users, one row each.

The first line names the columns; they become variables of the user that gets the row.
``pick``: ``sequential`` hands rows out in file order and starts over at the end,
``random`` draws a row for each user, ``unique`` gives each row to at most one user and
fails plainly when there are more users than rows. With several load-generator
processes, process ``k`` of ``n`` takes rows ``k, k + n, k + 2n, ...`` (so ``unique``
holds across them).

The file is never held in memory: loading reads it once, checking every row and noting
the byte offset of every 64th; users then get their rows read from the file as they
start (a forward reader for ``sequential`` and ``unique``, a seek near the row for
``random``). Only a regular file is read (a FIFO would block, a device never end).
"""

from __future__ import annotations

import csv
import random
import re
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from stairload.journeys.journey import DataFile

_COLUMN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_BOM = b"\xef\xbb\xbf"
INDEX_EVERY = 64  # rows between two noted offsets: memory 8 bytes per 64 rows


class DataError(Exception):
    """The data file cannot be read or used; the message says why."""


class DataExhausted(DataError):
    """``pick: unique`` and every row is taken."""


MAX_DATA_BYTES = 1024 * 1024 * 1024  # rows are streamed; a file this big is a mistake


def read_data_file(path: Path, pick: str) -> DataFile:
    """Check ``path``: a header of variable names, then at least one row of as many values.

    Reads the file once, in constant memory; a UTF-8 byte-order mark is dropped.
    """
    try:
        status = path.stat()
    except FileNotFoundError:
        raise DataError("no such file (a relative path starts at the YAML file's folder)") from None
    except OSError as error:
        raise DataError(f"cannot be read ({error.__class__.__name__})") from None
    if not stat.S_ISREG(status.st_mode):
        raise DataError("is not a regular file (a FIFO, device or directory cannot be read)")
    if status.st_size > MAX_DATA_BYTES:
        raise DataError(f"is larger than {MAX_DATA_BYTES:,} bytes ({status.st_size:,})")
    try:
        with path.open("rb") as handle:
            return _scan(handle, path, pick)
    except FileNotFoundError:
        raise DataError("no such file (a relative path starts at the YAML file's folder)") from None
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise DataError(f"cannot be read ({error.__class__.__name__})") from None


def _scan(handle: BinaryIO, path: Path, pick: str) -> DataFile:
    rows = _Rows(handle, _start(handle))
    header = next(rows, None)
    if header is None or not header[1]:
        raise DataError("is empty; the first line must name the columns")
    columns = tuple(column.strip() for column in header[1])
    for column in columns:
        if not _COLUMN.match(column):
            raise DataError(f"column '{column}' is not a variable name (letters, digits, _)")
    if len(set(columns)) != len(columns):
        raise DataError("names a column twice")
    count, offsets = 0, []
    for line, (offset, values) in enumerate(rows, start=2):
        if not values:
            continue
        if len(values) != len(columns):
            raise DataError(f"line {line} has {len(values)} values for {len(columns)} columns")
        if count % INDEX_EVERY == 0:
            offsets.append(offset)
        count += 1
    if not count:
        raise DataError("has no rows under its header")
    return DataFile(path, pick, columns, count, tuple(offsets), INDEX_EVERY)


def _start(handle: BinaryIO) -> int:
    """The offset after a byte-order mark, if the file starts with one."""
    handle.seek(0)
    start = len(_BOM) if handle.read(len(_BOM)) == _BOM else 0
    handle.seek(start)
    return start


class _Rows:
    """``(offset, values)`` of each CSV record of a binary file from ``start``, in order.

    The csv module reads the decoded lines one by one, so the offset of the line a record
    starts on is known (a quoted value may hold line breaks: a record may span lines).
    """

    def __init__(self, handle: BinaryIO, start: int) -> None:
        handle.seek(start)
        self._handle = handle
        self._next_line_at = start
        self._reader = csv.reader(self._lines())

    def _lines(self) -> Iterator[str]:
        for raw in self._handle:
            self._next_line_at += len(raw)
            yield raw.decode("utf-8")

    def __iter__(self) -> _Rows:
        return self

    def __next__(self) -> tuple[int, list[str]]:
        offset = self._next_line_at
        return offset, next(self._reader)


def iter_rows(data: DataFile, first: int = 0, step: int = 1) -> Iterator[dict[str, str]]:
    """Rows ``first, first + step, ...`` of ``data`` (0-based, blank lines not counted)."""
    with data.path.open("rb") as handle:
        block = first // data.index_every
        rows = _Rows(handle, data.offsets[block])
        number = block * data.index_every
        for _offset, values in rows:
            if not values:
                continue
            if number >= first and (number - first) % step == 0:
                yield _as_row(data, values)
            number += 1


def row_at(data: DataFile, number: int) -> dict[str, str]:
    """Row ``number`` of ``data`` (0-based), read from the nearest noted offset."""
    return next(iter_rows(data, number))


def own_rows(data: DataFile, process_index: int, processes: int) -> int:
    """How many rows process ``process_index`` of ``processes`` takes."""
    return max(0, (data.row_count - process_index + processes - 1) // processes)


def _as_row(data: DataFile, values: list[str]) -> dict[str, str]:
    if len(values) != len(data.columns):  # the file changed since it was checked
        raise DataError(f"{data.path.name}: changed while the run read it")
    return dict(zip(data.columns, values, strict=True))


class RowPicker:
    """Hands out rows of a data file to the virtual users of one process (thread-safe)."""

    def __init__(
        self,
        data: DataFile,
        rng: random.Random | None = None,
        process_index: int = 0,
        processes: int = 1,
    ) -> None:
        self._own = own_rows(data, process_index, processes)
        if not self._own:
            raise DataExhausted(
                f"{data.path.name}: no rows for load generator {process_index + 1} of "
                f"{processes} ({data.row_count} rows)"
            )
        self._data = data
        self._first, self._step = process_index, max(1, processes)
        self._rng = rng or random.Random()
        self._given = 0
        self._rows: Iterator[dict[str, str]] | None = None
        self._lock = threading.Lock()

    def next_row(self) -> dict[str, str]:
        """The row of the next virtual user; ``DataExhausted`` when ``unique`` rows ran out."""
        data = self._data
        if data.pick == "random":
            return row_at(data, self._first + self._rng.randrange(self._own) * self._step)
        with self._lock:
            if data.pick == "unique" and self._given >= self._own:
                raise DataExhausted(
                    f"{data.path.name}: all {self._own} rows are taken (pick: unique gives "
                    "each row to one virtual user; add rows or run fewer users)"
                )
            if self._given % self._own == 0:  # the first row, or the file starts over
                self._rows = iter_rows(data, self._first, self._step)
            self._given += 1
            assert self._rows is not None
            return next(self._rows)
