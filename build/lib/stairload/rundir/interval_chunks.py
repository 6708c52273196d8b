"""``intervals.csv`` read in column chunks by pandas' C parser: the reader for a long run.

The same file and rules as ``stairload.rundir.intervals`` (its columns, the cells that may
be blank, the ``Total`` row, a bad cell named by line and column), read ``CHUNK_ROWS``
rows at a time and only the columns a reader needs, so a 24-hour run (about a million
rows) is read in about a second in memory that does not grow with the run. Each chunk
comes split into the seconds' ``Total`` rows and the rows of each request name. A second
``Total`` row for one second is refused; a last line without its line break (the run was
killed while writing it) is left out and said so (``cut_last_line``), not refused.

pandas is imported when a file is read, not with ``stairload.rundir``: the Locust
processes import the package and never read this file.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, BinaryIO

from stairload.core.errors import InputError
from stairload.rundir.intervals import (
    ARRIVAL_COUNT_COLUMNS,
    BLANK_OK,
    CORRECTED_HISTOGRAM_COLUMN,
    CORRECTED_MEAN_COLUMN,
    COUNT_COLUMNS,
    FAULTS_COLUMN,
    HISTOGRAM_COLUMN,
    P99_9_COLUMN,
    TARGET_CPU_COLUMN,
    TIME_COLUMNS,
    TOTAL_NAME,
    missing_column,
)
from stairload.rundir.ranges import check_frame

if TYPE_CHECKING:
    import pandas as pd

CHUNK_ROWS = 50_000
NUMBER_COLUMNS = (
    *COUNT_COLUMNS,
    *TIME_COLUMNS,
    P99_9_COLUMN,
    TARGET_CPU_COLUMN,
    FAULTS_COLUMN,
    *ARRIVAL_COUNT_COLUMNS,
    CORRECTED_MEAN_COLUMN,
)
"""The ``totals`` columns of a chunk, as floats (NaN: blank, or the file lacks the column)."""
NAMED_COLUMNS = ("requests", "failures", "mean_ms")
"""The numbers of a chunk's ``named`` rows, as floats (``mean_ms`` NaN when blank)."""
_REQUIRED = ("method", "name", *COUNT_COLUMNS, *TIME_COLUMNS)  # the columns read (timestamp is not)
_READ = (
    *_REQUIRED,
    P99_9_COLUMN,
    TARGET_CPU_COLUMN,
    FAULTS_COLUMN,
    HISTOGRAM_COLUMN,
    *ARRIVAL_COUNT_COLUMNS,
    CORRECTED_MEAN_COLUMN,
    CORRECTED_HISTOGRAM_COLUMN,
)
_BLANK_OK = BLANK_OK | {FAULTS_COLUMN}  # a blank fault count is none (the typed rows' 0)


@dataclass(frozen=True)
class IntervalChunk:
    """Consecutive rows of the file, split into ``Total`` rows and per-name rows.

    ``totals``: one row per second, in file order, the ``NUMBER_COLUMNS`` as floats and,
    when the file has it, ``histogram`` as text ("" when blank). ``named``: ``method``,
    ``name`` and the ``NAMED_COLUMNS``. Both are indexed by line - ``first_line``.
    """

    first_line: int
    totals: pd.DataFrame
    named: pd.DataFrame

    def line(self, position: int) -> int:
        """The file line of the row at index ``position``."""
        return self.first_line + position


class IntervalChunks:
    """``intervals.csv`` open for one pass: ``with IntervalChunks(path) as chunks: for ...``.

    Opening reads and checks the header (``InputError`` for an empty file or a missing
    column) and finds a cut last line; iterating reads the chunks.
    """

    def __init__(self, path: Path, *, chunk_rows: int = CHUNK_ROWS) -> None:
        self.path = path
        self.name = path.name  # what an error message calls the file
        self.chunk_rows = chunk_rows
        self.has_histograms = False  # the Total rows carry each second's histogram
        self.has_target_cpu = False  # the file has the target_cpu_percent column
        self.cut_last_line = False  # the last line was cut mid-write and is left out
        self._raw: BinaryIO | None = None
        self._columns: list[str] = []
        self._complete = 0

    def __enter__(self) -> IntervalChunks:
        raw = self.path.open("rb")
        try:
            self._complete = _complete_length(raw)
            self.cut_last_line = self._complete < raw.seek(0, io.SEEK_END)
            raw.seek(0)
            header = raw.readline()
            if not header.strip():
                raise InputError(f"{self.name}: empty file (no header line)")
            self._columns = _header(header, self.name)
        except BaseException:
            raw.close()
            raise
        self._raw = raw
        self.has_histograms = HISTOGRAM_COLUMN in self._columns
        self.has_target_cpu = TARGET_CPU_COLUMN in self._columns
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._raw is not None:
            self._raw.close()
            self._raw = None

    def __iter__(self) -> Iterator[IntervalChunk]:
        import pandas as pd

        raw = self._raw
        if raw is None:
            raise RuntimeError("IntervalChunks: iterate inside its with block")
        wanted = [column for column in _READ if column in self._columns]
        floats = {column: float for column in NUMBER_COLUMNS if column in self._columns}
        text = {column: str for column in wanted if column not in floats}
        seen: set[float] = set()
        raw.seek(0)
        body = io.BufferedReader(_Limited(raw, self._complete), buffer_size=1 << 20)
        # Fast path: numbers parsed by the C parser. A cell that is not a number makes it
        # fail without saying where; the text path then finds the line and column.
        try:
            frames = pd.read_csv(
                body,
                dtype={**floats, **text},
                keep_default_na=False,
                na_values={column: ["", "N/A"] for column in floats},
                usecols=wanted,
                chunksize=self.chunk_rows,
                encoding="utf-8",
            )
            first_line = 2
            for frame in frames:
                yield self._split(frame.reset_index(drop=True), first_line, seen)
                first_line += len(frame)
        except ValueError as error:
            if isinstance(error, UnicodeDecodeError):
                raise InputError(f"{self.name}: not UTF-8 text") from None
            raw.seek(0)
            self._find_bad_cell(io.BufferedReader(_Limited(raw, self._complete)), wanted)
            raise InputError(f"{self.name}: not a readable CSV ({error})") from None
        except pd.errors.ParserError as error:
            raise InputError(f"{self.name}: not a readable CSV ({str(error).strip()})") from None

    def _split(self, frame: pd.DataFrame, first_line: int, seen: set[float]) -> IntervalChunk:
        import pandas as pd

        is_total = (frame["name"] == TOTAL_NAME) & (frame["method"] == "")
        rows = frame[is_total]
        times = self._numbers(rows, "time_s", first_line)
        repeated = times.duplicated() | times.isin(seen)
        if repeated.any():
            position = int(repeated.to_numpy().nonzero()[0][0])
            line = first_line + int(rows.index[position])
            time_s = float(times.iloc[position])
            raise InputError(f"{self.name}: line {line}: second Total row for time_s {time_s:g}")
        seen.update(times.tolist())
        totals = pd.DataFrame(
            {
                column: times if column == "time_s" else self._numbers(rows, column, first_line)
                for column in NUMBER_COLUMNS
            },
            index=rows.index,
        )
        if self.has_histograms:
            totals[HISTOGRAM_COLUMN] = rows[HISTOGRAM_COLUMN]
        if CORRECTED_HISTOGRAM_COLUMN in self._columns:
            totals[CORRECTED_HISTOGRAM_COLUMN] = rows[CORRECTED_HISTOGRAM_COLUMN]
        others = frame[~is_total]
        named = pd.DataFrame(
            {
                "method": others["method"],
                "name": others["name"],
                **{column: self._numbers(others, column, first_line) for column in NAMED_COLUMNS},
            },
            index=others.index,
        )
        check_frame(self.name, totals, first_line, NUMBER_COLUMNS)
        check_frame(self.name, named, first_line, NAMED_COLUMNS)
        return IntervalChunk(first_line, totals, named)

    def _find_bad_cell(self, body: BinaryIO, wanted: list[str]) -> None:
        """Read as text and raise the InputError naming the first cell that is not a number."""
        import pandas as pd

        first_line = 2
        for frame in pd.read_csv(
            body, dtype=str, keep_default_na=False, usecols=wanted, chunksize=self.chunk_rows
        ):
            frame = frame.reset_index(drop=True)
            for column in NUMBER_COLUMNS:
                self._numbers(frame, column, first_line)
            first_line += len(frame)

    def _numbers(self, frame: pd.DataFrame, column: str, first_line: int) -> pd.Series:
        """``column`` as floats (NaN where blank); a bad cell is an InputError naming it."""
        import pandas as pd

        if column not in frame.columns:
            return pd.Series(math.nan, index=frame.index, dtype=float)
        if frame[column].dtype.kind == "f":  # parsed already: only a blank may be wrong
            values = frame[column]
            bad = values.isna() if column not in _BLANK_OK else None
            if bad is not None and bad.any():
                position = int(bad.to_numpy().nonzero()[0][0])
                line = first_line + int(frame.index[position])
                raise InputError(f"{self.name}: line {line}: {column}: not a number (got '')")
            return values
        text = frame[column].str.strip()
        values = pd.to_numeric(text.replace({"": None, "N/A": None}), errors="coerce")
        blank = text.isin(["", "N/A"])
        bad = values.isna() & ~(blank if column in _BLANK_OK else False)
        if bad.any():
            position = int(bad.to_numpy().nonzero()[0][0])
            line = first_line + int(frame.index[position])
            got = frame[column].iloc[position]
            raise InputError(f"{self.name}: line {line}: {column}: not a number (got {got!r})")
        return values.astype(float)


def _complete_length(raw: BinaryIO) -> int:
    """The length of the file up to and including its last line break."""
    size = raw.seek(0, io.SEEK_END)
    position = size
    while position > 0:
        step = min(65_536, position)
        raw.seek(position - step)
        block = raw.read(step)
        newline = block.rfind(b"\n")
        if newline >= 0:
            return position - step + newline + 1
        position -= step
    return 0


def _header(line: bytes, name: str) -> list[str]:
    try:
        columns = line.decode("utf-8").strip().split(",")
    except UnicodeDecodeError:
        raise InputError(f"{name}: not UTF-8 text") from None
    missing = missing_column(columns, _REQUIRED)
    if missing is not None:
        raise InputError(f"{name}: missing column {missing!r}")
    return columns


class _Limited(io.RawIOBase):
    """The first ``limit`` bytes of a binary file, as a readable stream."""

    def __init__(self, raw: BinaryIO, limit: int) -> None:
        self._raw = raw
        self._left = limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._left <= 0:
            return 0
        data = self._raw.read(min(len(buffer), self._left))
        buffer[: len(data)] = data
        self._left -= len(data)
        return len(data)
