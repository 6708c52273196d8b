"""A scenario's data file: CSV rows handed to virtual users, one row each.

The first line names the columns; they become variables of the user that gets the row.
``pick``: ``sequential`` hands rows out in file order and starts over at the end,
``random`` draws a row for each user, ``unique`` gives each row to at most one user and
fails plainly when there are more users than rows. With several load-generator
processes, process ``k`` of ``n`` takes rows ``k, k + n, k + 2n, ...`` (so ``unique``
holds across them).
"""

from __future__ import annotations

import csv
import random
import re
import stat
import threading
from pathlib import Path

from stairload.journeys.journey import DataFile

_COLUMN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class DataError(Exception):
    """The data file cannot be read or used; the message says why."""


class DataExhausted(DataError):
    """``pick: unique`` and every row is taken."""


MAX_DATA_BYTES = 50 * 1024 * 1024  # a data file is read whole: rows per virtual user


def read_data_file(path: Path, pick: str) -> DataFile:
    """Read and check ``path``: a header of variable names, then at least one row.

    Only a regular file of at most ``MAX_DATA_BYTES`` is read (a FIFO would block, a
    device never end); a UTF-8 byte-order mark is dropped.
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
        raise DataError(
            f"is larger than {MAX_DATA_BYTES:,} bytes ({status.st_size:,}); "
            "use fewer rows (each virtual user needs one)"
        )
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            table = list(csv.reader(handle))
    except FileNotFoundError:
        raise DataError("no such file (a relative path starts at the YAML file's folder)") from None
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise DataError(f"cannot be read ({error.__class__.__name__})") from None
    if not table or not table[0]:
        raise DataError("is empty; the first line must name the columns")
    columns = tuple(column.strip() for column in table[0])
    for column in columns:
        if not _COLUMN.match(column):
            raise DataError(f"column '{column}' is not a variable name (letters, digits, _)")
    if len(set(columns)) != len(columns):
        raise DataError("names a column twice")
    rows = []
    for line, values in enumerate(table[1:], start=2):
        if not values:
            continue
        if len(values) != len(columns):
            raise DataError(f"line {line} has {len(values)} values for {len(columns)} columns")
        rows.append(dict(zip(columns, values, strict=True)))
    if not rows:
        raise DataError("has no rows under its header")
    return DataFile(path, pick, columns, tuple(rows))


class RowPicker:
    """Hands out rows of a data file to the virtual users of one process (thread-safe)."""

    def __init__(
        self,
        data: DataFile,
        rng: random.Random | None = None,
        process_index: int = 0,
        processes: int = 1,
    ) -> None:
        own = data.rows[process_index::processes] if processes > 1 else data.rows
        if not own:
            raise DataExhausted(
                f"{data.path.name}: no rows for load generator {process_index + 1} of "
                f"{processes} ({len(data.rows)} rows)"
            )
        self._data = data
        self._rows = own
        self._rng = rng or random.Random()
        self._next = 0
        self._lock = threading.Lock()

    def next_row(self) -> dict[str, str]:
        """The row of the next virtual user; ``DataExhausted`` when ``unique`` rows ran out."""
        pick = self._data.pick
        if pick == "random":
            return self._rng.choice(self._rows)
        with self._lock:
            number = self._next
            self._next += 1
        if pick == "unique" and number >= len(self._rows):
            raise DataExhausted(
                f"{self._data.path.name}: all {len(self._rows)} rows are taken "
                f"(pick: unique gives each row to one virtual user; add rows or run fewer users)"
            )
        return self._rows[number % len(self._rows)]
