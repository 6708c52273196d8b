"""Per-interval totals: from intervals.csv, or derived from Locust's cumulative stats history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reports.stream import read_streamed
from stairload.core.errors import InputError
from stairload.rundir import HISTORY_CSV, INTERVALS_CSV
from stairload.rundir.intervals import (
    COUNT_COLUMNS,
    FAULTS_COLUMN,
    TARGET_CPU_COLUMN,
    TIME_COLUMNS,
)
from stairload.rundir.ranges import check_frame

if TYPE_CHECKING:
    import pandas as pd

    from stairload.rundir.latency import LatencyHistogram

_HISTORY_COLUMNS = (
    "Timestamp",
    "User Count",
    "Name",
    "Total Request Count",
    "Total Failure Count",
    "Total Average Response Time",
)


@dataclass(frozen=True)
class Intervals:
    """The run's per-interval totals, one row per interval, sorted by time.

    ``totals`` columns: time_s, duration_s, users, target_users, requests, failures,
    TIME_COLUMNS (NaN where unknown) and faults (requests the generator could not send; 0
    for runs without the column and for Locust's history). ``by_name`` holds one row per
    request name with requests, failures and mean_ms over the whole run (empty when
    unknown).
    """

    totals: pd.DataFrame
    by_name: pd.DataFrame
    source: str
    window_histograms: tuple[LatencyHistogram, ...] | None = None
    """Per measurement window asked for, the merged histogram of its seconds (None: the
    file has no histograms, so step percentiles are approximated)."""
    legacy_histograms: bool = False
    """Whether the histograms are a schema-1 run's Locust-rounded ``ms:count`` ones."""
    cut_last_line: bool = False
    """Whether the file's last line was cut mid-write (killed run) and left out."""
    target_cpu_seconds: tuple[int, int] | None = None
    """Seconds with and without the target's CPU (None: the file has no such column)."""

    @property
    def has_percentiles(self) -> bool:
        """Whether per-interval percentiles exist (only intervals.csv has them)."""
        return self.source == INTERVALS_CSV


def load_intervals(
    run_dir: Path,
    started_epoch: float | None,
    windows: Sequence[tuple[float, float]] = (),
) -> Intervals:
    """Read intervals.csv, or fall back to locust_stats_history.csv when it is missing.

    ``windows`` (start, end) in seconds: the histograms of the seconds inside each are
    merged, for exact window percentiles.
    """
    if (run_dir / INTERVALS_CSV).is_file():
        return _from_intervals(run_dir / INTERVALS_CSV, windows)
    if (run_dir / HISTORY_CSV).is_file():
        return _from_history(run_dir / HISTORY_CSV, started_epoch)
    raise InputError(f"{INTERVALS_CSV}: not found in {run_dir} (nor {HISTORY_CSV} to fall back on)")


def _read_csv(path: Path) -> pd.DataFrame:
    import pandas as pd

    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise InputError(f"{path.name}: empty file (no header line)") from None
    except pd.errors.ParserError as exc:
        raise InputError(f"{path.name}: not a readable CSV ({str(exc).strip()})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path.name}: not UTF-8 text") from None


def _require(frame: pd.DataFrame, columns: tuple[str, ...], filename: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise InputError(f"{filename}: missing column {missing[0]!r}")


def _numeric(frame: pd.DataFrame, column: str, filename: str, *, blank_ok: bool) -> pd.Series:
    """Column as floats; a non-number names the file, CSV line and column."""
    import pandas as pd

    text = frame[column].str.strip()
    values = pd.to_numeric(text.replace({"": None, "N/A": None}), errors="coerce")
    bad = values.isna() & ~(text.isin(["", "N/A"]) if blank_ok else False)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(
            f"{filename}: line {row + 2}: {column}: not a number (got {frame[column].iloc[row]!r})"
        )
    return values.astype(float)


def _from_intervals(path: Path, windows: Sequence[tuple[float, float]]) -> Intervals:
    """One streamed pass (``reports.stream``): memory holds the Total rows' numbers only."""
    import numpy as np
    import pandas as pd

    streamed = read_streamed(path, windows)
    totals = totals_frame(
        {
            column: np.frombuffer(streamed.columns[column], dtype=float)
            for column in (*COUNT_COLUMNS, *TIME_COLUMNS, FAULTS_COLUMN)
        }
    )
    named = [
        (method, name, sums.requests, sums.failures, sums.total_ms / sums.requests)
        if sums.requests
        else (method, name, 0, sums.failures, float("nan"))
        for (method, name), sums in streamed.by_name.items()
    ]
    by_name = pd.DataFrame(named, columns=["method", "name", "requests", "failures", "mean_ms"])
    by_name = by_name.astype({"requests": float, "failures": float, "mean_ms": float})
    by_name = by_name.sort_values(["method", "name"]).sort_values(
        "requests", ascending=False, kind="stable"
    )
    histograms = tuple(streamed.window_histograms) if streamed.has_histograms else None
    target_cpu = np.frombuffer(streamed.columns[TARGET_CPU_COLUMN], dtype=float)
    covered = int(np.count_nonzero(~np.isnan(target_cpu)))
    return Intervals(
        totals=totals,
        by_name=by_name.reset_index(drop=True),
        source=INTERVALS_CSV,
        window_histograms=histograms,
        legacy_histograms=streamed.legacy_histograms,
        cut_last_line=streamed.cut_last_line,
        target_cpu_seconds=(covered, len(target_cpu) - covered)
        if streamed.has_target_cpu
        else None,
    )


def totals_frame(columns: Mapping[str, Sequence[float]]) -> pd.DataFrame:
    """``Intervals.totals`` from the Total rows' columns (COUNT_COLUMNS, TIME_COLUMNS, faults).

    The file's reader and the live page (rows held in memory) make the frame this one way.
    """
    import numpy as np
    import pandas as pd

    totals = pd.DataFrame(
        {
            column: np.asarray(columns[column], dtype=float)
            for column in (*COUNT_COLUMNS, *TIME_COLUMNS)
        }
    )
    faults = np.asarray(columns.get(FAULTS_COLUMN, ()), dtype=float)
    totals[FAULTS_COLUMN] = np.nan_to_num(faults) if len(faults) == len(totals) else 0.0
    totals = totals.sort_values("time_s").reset_index(drop=True)
    totals.insert(1, "duration_s", 1.0)
    return totals


def _by_name(rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows.assign(weighted=rows["mean_ms"].fillna(0.0) * rows["requests"])
    grouped = rows.groupby(["method", "name"], sort=True)[["requests", "failures", "weighted"]]
    summary = grouped.sum().reset_index()
    summary["mean_ms"] = summary["weighted"] / summary["requests"].where(summary["requests"] > 0)
    return summary.drop(columns=["weighted"]).sort_values("requests", ascending=False)


_HISTORY_NAMES = {
    "timestamp": "Timestamp",
    "users": "User Count",
    "requests": "Total Request Count",
    "failures": "Total Failure Count",
    "mean_ms": "Total Average Response Time",
}


def _from_history(path: Path, started_epoch: float | None) -> Intervals:
    """Per-interval totals from the Aggregated rows' cumulative counts and mean.

    Locust's ``Requests/s`` and percentile columns cover a sliding window, so they are
    not used; an interval's mean is the delta of (count x cumulative mean) over the
    delta of count. A count that goes down means the stats were reset.
    """
    import pandas as pd

    raw = _read_csv(path)
    _require(raw, _HISTORY_COLUMNS, path.name)
    raw = raw[raw["Name"] == "Aggregated"]
    stamp = _numeric(raw, "Timestamp", path.name, blank_ok=False)
    users = _numeric(raw, "User Count", path.name, blank_ok=False)
    count = _numeric(raw, "Total Request Count", path.name, blank_ok=False)
    failed = _numeric(raw, "Total Failure Count", path.name, blank_ok=False)
    mean = _numeric(raw, "Total Average Response Time", path.name, blank_ok=True).fillna(0.0)
    named = {"timestamp": stamp, "users": users, "requests": count, "mean_ms": mean}
    check_frame(path.name, pd.DataFrame(named), 2, named, _HISTORY_NAMES)
    check_frame(path.name, pd.DataFrame({"failures": failed}), 2, ["failures"], _HISTORY_NAMES)
    cumulative = pd.DataFrame(
        {"stamp": stamp, "users": users, "count": count, "failed": failed, "sum": count * mean}
    )
    cumulative = cumulative.drop_duplicates("stamp", keep="last").sort_values("stamp")
    if cumulative.empty:
        columns = ["time_s", "duration_s", *COUNT_COLUMNS[1:], *TIME_COLUMNS, FAULTS_COLUMN]
        empty = pd.DataFrame(columns=columns)
        return Intervals(totals=empty.astype(float), by_name=pd.DataFrame(), source=HISTORY_CSV)
    origin = started_epoch if started_epoch is not None else float(cumulative["stamp"].iloc[0])
    previous = cumulative.shift(1)
    reset = cumulative["count"] < previous["count"]
    delta = cumulative[["count", "failed", "sum"]] - previous[["count", "failed", "sum"]]
    delta[reset] = cumulative.loc[reset, ["count", "failed", "sum"]]
    totals = pd.DataFrame(
        {
            "time_s": previous["stamp"] - origin,
            "duration_s": cumulative["stamp"] - previous["stamp"],
            "users": cumulative["users"],
            "target_users": float("nan"),
            "requests": delta["count"],
            "failures": delta["failed"],
            "mean_ms": delta["sum"] / delta["count"].where(delta["count"] > 0),
            "faults": 0.0,
        }
    ).iloc[1:]
    for column in TIME_COLUMNS[1:]:
        totals[column] = float("nan")
    return Intervals(
        totals=totals.reset_index(drop=True), by_name=pd.DataFrame(), source=HISTORY_CSV
    )
