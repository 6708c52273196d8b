"""The scaling part of a run's report: instances over time, events, per-instance figures, spike.

Reads ``scaling.jsonl``, ``instances.csv`` and the run's per-second intervals, and writes
``scaling.png`` (TPS and MTT with instances in service / warming / draining),
``scaling.json`` (the figures) and ``scaling.html`` (the part, self-contained; the main
report can link or embed it).

The spike: for each instance that entered service after the load started, the worst
per-second MTT in the ``window_seconds`` after that moment, next to the MTT of the 30 s
before it (time-scaled plateaus can be shorter than the window, so "before" is the
steadier reference), and the TPS dip (lowest per-second TPS in the window against the
mean of the 30 s before).
"""

from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from stairload.rundir.atomic import write_file, write_with
from stairload.rundir.files import INSTANCES_CSV, SCALING_HTML, SCALING_JSON, SCALING_PNG
from stairload.scaleout.events import load_events

SPIKE_WINDOW_SECONDS = 30.0
_BEFORE_SECONDS = 30.0


@dataclass(frozen=True)
class Spike:
    """What the load saw after one instance entered service."""

    instance: str
    in_service_s: float  # seconds since the run started
    launch_to_service_s: float | None
    worst_mtt_ms: float | None
    mtt_before_ms: float | None
    tps_before: float | None
    tps_min: float | None

    @property
    def tps_dip_percent(self) -> float | None:
        """How far TPS fell below its level before (0 when it did not fall)."""
        if not self.tps_before or self.tps_min is None:
            return None
        return max(0.0, 100.0 * (1 - self.tps_min / self.tps_before))


def _totals(run_dir: Path) -> tuple[Any, float, Any]:
    from reports.intervals import load_intervals
    from reports.rundata import load_run

    run = load_run(run_dir)
    started = run.started_epoch or 0.0
    totals = load_intervals(run_dir, run.started_epoch).totals.copy()
    totals["tps"] = totals["requests"] / totals["duration_s"].where(totals["duration_s"] > 0, 1)
    return totals, started, run.steps


def spikes(run_dir: Path, window_seconds: float = SPIKE_WINDOW_SECONDS) -> list[Spike]:
    """One Spike per instance that entered service after the load started."""
    totals, started, _ = _totals(run_dir)
    found = []
    for event in load_events(run_dir):
        moment = event["unix"] - started
        if event["event"] != "in_service" or moment <= 0:
            continue
        window = totals[(totals["time_s"] >= moment) & (totals["time_s"] < moment + window_seconds)]
        before = totals[
            (totals["time_s"] >= moment - _BEFORE_SECONDS) & (totals["time_s"] < moment)
        ]
        found.append(
            Spike(
                instance=event["instance"],
                in_service_s=round(moment, 1),
                launch_to_service_s=event.get("seconds"),
                worst_mtt_ms=_max(window["mean_ms"]),
                mtt_before_ms=_weighted_mtt(before),
                tps_before=_mean(before["tps"]),
                tps_min=_min(window["tps"]),
            )
        )
    return found


def _max(series: Any) -> float | None:
    value = series.max()
    return None if value != value else round(float(value), 1)  # NaN check


def _min(series: Any) -> float | None:
    value = series.min()
    return None if value != value else round(float(value), 1)


def _mean(series: Any) -> float | None:
    value = series.mean()
    return None if value != value else round(float(value), 1)


def _weighted_mtt(frame: Any) -> float | None:
    requests = frame["requests"].sum()
    if not requests:
        return None
    return round(float((frame["mean_ms"] * frame["requests"]).sum() / requests), 1)


def instance_timeline(run_dir: Path, started: float) -> Any:
    """Per second since the start: counts of instances in service, warming and draining."""
    import pandas as pd

    path = run_dir / INSTANCES_CSV
    if not path.exists():
        return pd.DataFrame(columns=["time_s", "in_service", "pending", "draining"])
    rows = pd.read_csv(path)
    rows["time_s"] = (rows["unix"] - started).round()
    counts = rows.pivot_table(index="time_s", columns="state", values="instance", aggfunc="nunique")
    counts = counts.reindex(columns=["in_service", "pending", "draining"]).fillna(0)
    return counts.reset_index()


def per_instance(run_dir: Path) -> list[dict[str, Any]]:
    """Per instance: seconds in service, requests it answered, TPS, mean response time (HAProxy)."""
    import pandas as pd

    path = run_dir / INSTANCES_CSV
    if not path.exists():
        return []
    rows = pd.read_csv(path)
    result = []
    for instance, own in rows.groupby("instance", sort=False):
        serving = own[own["state"] == "in_service"]
        seconds = float(serving["unix"].max() - serving["unix"].min()) if len(serving) > 1 else 0.0
        answered = float(own["responses"].max() - own["responses"].min())
        times = serving["response_time_ms"].dropna()
        result.append(
            {
                "instance": instance,
                "in_service_seconds": round(seconds, 1),
                "responses": int(answered),
                "tps": round(answered / seconds, 1) if seconds else None,
                "mean_response_time_ms": round(float(times.mean()), 1) if len(times) else None,
                "mean_cpu_percent": round(float(serving["cpu_percent"].mean()), 1)
                if serving["cpu_percent"].notna().any()
                else None,
            }
        )
    return result


def write_scaling_report(
    run_dir: Path, window_seconds: float = SPIKE_WINDOW_SECONDS
) -> dict[str, Any]:
    """Write scaling.png, scaling.json and scaling.html; return the figures."""
    totals, started, _ = _totals(run_dir)
    events = load_events(run_dir)
    found = spikes(run_dir, window_seconds)
    figures = {
        "spike_window_seconds": window_seconds,
        "spikes": [{**asdict(s), "tps_dip_percent": s.tps_dip_percent} for s in found],
        "instances": per_instance(run_dir),
        "events": events,
        "failures": int(totals["failures"].sum()),
        "requests": int(totals["requests"].sum()),
    }
    write_file(run_dir / SCALING_JSON, json.dumps(figures, indent=2))
    _chart(run_dir, totals, instance_timeline(run_dir, started), events, started)
    write_file(run_dir / SCALING_HTML, _html(figures, started))
    return figures


# Instances over time on the scaling chart: (column, colour, line style, legend label).
_INSTANCE_LINES = (
    ("in_service", "tab:green", "-", "in service"),
    ("pending", "tab:orange", "--", "warming"),
    ("draining", "tab:gray", ":", "draining"),
)


def _chart(
    run_dir: Path, totals: Any, timeline: Any, events: list[dict[str, Any]], started: float
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (tps_axis, mtt_axis) = plt.subplots(2, 1, figsize=(11, 7), sharex=True)
    tps_axis.plot(totals["time_s"], totals["tps"], color="tab:blue", linewidth=1, label="TPS")
    mtt_axis.plot(
        totals["time_s"], totals["mean_ms"], color="tab:red", linewidth=1, label="MTT (ms)"
    )
    tps_axis.set_ylabel("TPS")
    mtt_axis.set_ylabel("MTT (ms)")
    mtt_axis.set_xlabel("seconds since the run started")
    for axis in (tps_axis, mtt_axis):
        counts = axis.twinx()
        if len(timeline):
            for column, color, style, label in _INSTANCE_LINES:
                counts.step(
                    timeline["time_s"],
                    timeline[column],
                    where="post",
                    color=color,
                    linestyle=style,
                    label=label,
                )
        counts.set_ylabel("instances")
        counts.set_ylim(
            0,
            max(
                3,
                float(timeline[["in_service", "pending"]].to_numpy().max()) + 1
                if len(timeline)
                else 3,
            ),
        )
        for event in events:
            if event["event"] in ("in_service", "termination", "kill"):
                axis.axvline(event["unix"] - started, color="black", alpha=0.3, linewidth=0.8)
        if axis is tps_axis:
            counts.legend(loc="upper left", fontsize=8)
    figure.suptitle("Load through HAProxy and the group's instances over time")
    figure.tight_layout()
    try:
        write_with(
            run_dir / SCALING_PNG,
            lambda handle: figure.savefig(handle, format="png", dpi=90),
            binary=True,
        )
    finally:
        plt.close(figure)


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return html.escape(str(value))


def _table(headers: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html(figures: dict[str, Any], started: float) -> str:
    events = [
        [
            round(e["unix"] - started, 1),
            e["event"],
            e["instance"],
            e.get("desired"),
            e.get("in_service"),
            e["reason"],
        ]
        for e in figures["events"]
    ]
    spike_rows = [
        [
            s["instance"],
            s["in_service_s"],
            s["launch_to_service_s"],
            s["worst_mtt_ms"],
            s["mtt_before_ms"],
            s["tps_before"],
            s["tps_min"],
            s["tps_dip_percent"],
        ]
        for s in figures["spikes"]
    ]
    instance_rows = [
        [
            i["instance"],
            i["in_service_seconds"],
            i["responses"],
            i["tps"],
            i["mean_response_time_ms"],
            i["mean_cpu_percent"],
        ]
        for i in figures["instances"]
    ]
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Scaling</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:3px 8px;text-align:right}}</style></head><body>
<h1>Scaling</h1>
<p>{figures["requests"]:,} requests, {figures["failures"]:,} failed, all through HAProxy.</p>
<img src="{SCALING_PNG}" alt="TPS and MTT with the instances over time">
<h2>The spike after each instance entered service</h2>
<p>Worst per-second MTT in the {figures["spike_window_seconds"]:g} s after it entered service,
next to the MTT of the 30 s before; TPS dip: lowest per-second TPS in the window
against the mean of the 30 s before.</p>
{
        _table(
            [
                "instance",
                "in service at (s)",
                "launch to in service (s)",
                "worst MTT (ms)",
                "MTT before (ms)",
                "TPS before",
                "lowest TPS",
                "TPS dip (%)",
            ],
            spike_rows,
        )
    }
<h2>Instances (HAProxy per-server statistics)</h2>
{
        _table(
            [
                "instance",
                "in service (s)",
                "responses",
                "TPS",
                "mean response time (ms)",
                "mean CPU (%)",
            ],
            instance_rows,
        )
    }
<h2>Scaling events</h2>
{_table(["time (s)", "event", "instance", "desired", "in service", "reason"], events)}
</body></html>
"""
