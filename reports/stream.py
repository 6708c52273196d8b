"""``intervals.csv`` read as a stream, in memory that does not grow with the request names.

The file is read in chunks of ``CHUNK_ROWS`` rows (pandas' C parser, only the needed
columns); what is kept is what the report needs: the ``Total`` row's numbers of each
second, in one compact array per column (8 bytes per second per column: a 24-hour run is
under 10 MB), the per-name sums over the whole run, and, when the file carries
histograms, one merged histogram per measurement window (a step's plateau). A last line
without its line break (the run was killed while writing it) is left out and reported,
not refused.
"""

from __future__ import annotations

import bisect
import io
import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from stairload.core.errors import InputError
from stairload.rundir.intervals import TIME_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

COUNT_COLUMNS = ("time_s", "users", "target_users", "requests", "failures")
OPTIONAL_COLUMNS = ("target_cpu_percent", "faults")
HISTOGRAM_COLUMN = "histogram"
CHUNK_ROWS = 50_000
_REQUIRED = ("method", "name", *COUNT_COLUMNS, *TIME_COLUMNS)
_BLANK_OK = {"users", "target_users", *TIME_COLUMNS, *OPTIONAL_COLUMNS}


@dataclass
class NameSums:
    """One request name's totals over the run."""

    requests: int = 0
    failures: int = 0
    total_ms: float = 0.0


@dataclass
class StreamedIntervals:
    """What one pass over ``intervals.csv`` keeps."""

    columns: dict[str, array] = field(default_factory=dict)
    by_name: dict[tuple[str, str], NameSums] = field(default_factory=dict)
    window_histograms: list[dict[int, int]] = field(default_factory=list)
    has_histograms: bool = False
    cut_last_line: bool = False
    total_rows: int = 0


def read_streamed(
    path: Path, windows: Sequence[tuple[float, float]] = (), *, name: str = "intervals.csv"
) -> StreamedIntervals:
    """Read ``path`` once; histograms of ``Total`` rows with ``start <= time_s < end`` merge
    into the window's histogram. ``InputError`` names the line and column of a bad cell."""
    import pandas as pd

    result = StreamedIntervals(window_histograms=[{} for _ in windows])
    with path.open("rb") as raw:
        complete = _complete_length(raw)
        result.cut_last_line = complete < raw.seek(0, io.SEEK_END)
        raw.seek(0)
        header = raw.readline()
        if not header.strip():
            raise InputError(f"{name}: empty file (no header line)")
        columns = _header(header, name)
        result.has_histograms = HISTOGRAM_COLUMN in columns
        wanted = [c for c in (*_REQUIRED, *OPTIONAL_COLUMNS, HISTOGRAM_COLUMN) if c in columns]
        numeric = [*COUNT_COLUMNS, *TIME_COLUMNS, *OPTIONAL_COLUMNS]
        result.columns = {column: array("d") for column in numeric}
        raw.seek(0)
        body = io.BufferedReader(_Limited(raw, complete), buffer_size=1 << 20)
        seen: set[float] = set()
        # Fast path: numbers parsed by the C parser. A cell that is not a number makes it
        # fail without saying where; the text path then finds the line and column.
        floats = {column: float for column in numeric if column in columns}
        text = {column: str for column in wanted if column not in floats}
        try:
            chunks = pd.read_csv(
                body,
                dtype={**floats, **text},
                keep_default_na=False,
                na_values={column: ["", "N/A"] for column in floats},
                usecols=wanted,
                chunksize=CHUNK_ROWS,
                encoding="utf-8",
            )
            first_line = 2
            for chunk in chunks:
                _take(chunk, first_line, numeric, windows, seen, result, name)
                first_line += len(chunk)
        except ValueError as error:
            if isinstance(error, UnicodeDecodeError):
                raise InputError(f"{name}: not UTF-8 text") from None
            raw.seek(0)
            _find_bad_cell(io.BufferedReader(_Limited(raw, complete)), wanted, name)
            raise InputError(f"{name}: not a readable CSV ({error})") from None
        except UnicodeDecodeError:
            raise InputError(f"{name}: not UTF-8 text") from None
        except pd.errors.ParserError as error:
            raise InputError(f"{name}: not a readable CSV ({str(error).strip()})") from None
    return result


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
    missing = [column for column in _REQUIRED if column not in columns]
    if missing:
        raise InputError(f"{name}: missing column {missing[0]!r}")
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


def _find_bad_cell(body: BinaryIO, wanted: list[str], name: str) -> None:
    """Read as text and raise the InputError naming the first cell that is not a number."""
    import pandas as pd

    first_line = 2
    for chunk in pd.read_csv(
        body, dtype=str, keep_default_na=False, usecols=wanted, chunksize=CHUNK_ROWS
    ):
        chunk = chunk.reset_index(drop=True)
        for column in (*COUNT_COLUMNS, *TIME_COLUMNS, *OPTIONAL_COLUMNS):
            _numbers(chunk, column, first_line, name)
        first_line += len(chunk)


def _numbers(frame: pd.DataFrame, column: str, first_line: int, name: str) -> pd.Series:
    import pandas as pd

    if column not in frame.columns:
        return pd.Series(math.nan, index=frame.index, dtype=float)
    if frame[column].dtype.kind == "f":  # parsed already: only a blank may be wrong
        values = frame[column]
        bad = values.isna() if column not in _BLANK_OK else None
        if bad is not None and bad.any():
            position = int(bad.to_numpy().nonzero()[0][0])
            line = first_line + int(frame.index[position])
            raise InputError(f"{name}: line {line}: {column}: not a number (got '')")
        return values
    text = frame[column].str.strip()
    values = pd.to_numeric(text.replace({"": None, "N/A": None}), errors="coerce")
    blank = text.isin(["", "N/A"])
    bad = values.isna() & ~(blank if column in _BLANK_OK else False)
    if bad.any():
        position = int(bad.to_numpy().nonzero()[0][0])
        line = first_line + int(frame.index[position])
        raise InputError(
            f"{name}: line {line}: {column}: not a number (got {frame[column].iloc[position]!r})"
        )
    return values.astype(float)


def _take(
    chunk: pd.DataFrame,
    first_line: int,
    numeric: list[str],
    windows: Sequence[tuple[float, float]],
    seen: set[float],
    result: StreamedIntervals,
    name: str,
) -> None:
    chunk = chunk.reset_index(drop=True)
    is_total = (chunk["name"] == "Total") & (chunk["method"] == "")
    totals = chunk[is_total]
    if len(totals):
        times = _numbers(totals, "time_s", first_line, name)
        repeated = times.duplicated() | times.isin(seen)
        if repeated.any():
            position = int(repeated.to_numpy().nonzero()[0][0])
            line = first_line + int(totals.index[position])
            time_s = float(times.iloc[position])
            raise InputError(f"{name}: line {line}: second Total row for time_s {time_s:g}")
        seen.update(times.tolist())
        for column in numeric:
            values = times if column == "time_s" else _numbers(totals, column, first_line, name)
            result.columns[column].extend(values.to_numpy(dtype=float))
        result.total_rows += len(totals)
        if result.has_histograms and windows:
            starts = [start for start, _ in windows]
            for time_s, text in zip(times.tolist(), totals[HISTOGRAM_COLUMN].tolist(), strict=True):
                if text:
                    _merge_histogram(text, time_s, windows, starts, result, name)
    named = chunk[~is_total]
    if len(named):
        requests = _numbers(named, "requests", first_line, name)
        failures = _numbers(named, "failures", first_line, name)
        mean = _numbers(named, "mean_ms", first_line, name).fillna(0.0)
        sums = (
            named.assign(requests=requests, failures=failures, weighted=mean * requests)
            .groupby(["method", "name"], sort=False)[["requests", "failures", "weighted"]]
            .sum()
        )
        for (method, request_name), row in sums.iterrows():
            total = result.by_name.setdefault((str(method), str(request_name)), NameSums())
            total.requests += int(row["requests"])
            total.failures += int(row["failures"])
            total.total_ms += float(row["weighted"])


def _merge_histogram(
    text: str,
    time_s: float,
    windows: Sequence[tuple[float, float]],
    starts: list[float],
    result: StreamedIntervals,
    name: str,
) -> None:
    position = bisect.bisect_right(starts, time_s + 1e-9) - 1  # windows are in time order
    if position < 0:
        return
    start, end = windows[position]
    if start - 1e-9 <= time_s and time_s + 1 <= end + 1e-9:
        target = result.window_histograms[position]
        for key, count in parse_histogram(text, name).items():
            target[key] = target.get(key, 0) + count


def parse_histogram(text: str, name: str = "intervals.csv") -> dict[int, int]:
    """``"12:30 13:2"`` (rounded ms : count, space-separated) as a dict."""
    histogram: dict[int, int] = {}
    for pair in text.split():
        value, sep, count = pair.partition(":")
        try:
            if not sep:
                raise ValueError(pair)
            histogram[int(value)] = histogram.get(int(value), 0) + int(count)
        except ValueError:
            raise InputError(
                f"{name}: {HISTOGRAM_COLUMN}: not 'ms:count' pairs (got {pair!r})"
            ) from None
    return histogram
