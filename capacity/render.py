"""Plans and stairs as text: an aligned table, JSON, CSV or Markdown. No computing here."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING

from capacity.plan import PlanRow
from capacity.whatif import CasePlan

if TYPE_CHECKING:
    from capacity.stairs import Stairs  # the what-if path never builds a stair

FORMATS = ("table", "json", "csv", "markdown")

_HEADERS = ("scenario", "avg RPS", "peak RPS", "VUser exact", "VUser", "TPS")
_JSON_ROW_KEYS = (
    "name",
    "requests_per_user_per_day",
    "journey_seconds",
    "daily_requests",
    "avg_rps",
    "peak_rps",
    "vusers_exact",
    "vusers",
    "target_tps",
)


def plain(value: float) -> str:
    """A number for reading: thousands separators, at most 3 decimals, no trailing zeros."""
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def plans(case_plans: Sequence[CasePlan], output_format: str) -> str:
    """Several case plans (the ``table`` command) in ``output_format``."""
    if output_format == "json":
        cases = [{"name": plan.name, **_plan_json(plan)} for plan in case_plans]
        return json.dumps({"cases": cases}, indent=2)
    if output_format == "csv":
        return _csv(case_plans)
    blocks = [_text_block(plan, markdown=output_format == "markdown") for plan in case_plans]
    return "\n\n".join(blocks)


def what_if(plan: CasePlan, output_format: str) -> str:
    """One what-if plan in ``output_format``; JSON is ``{"inputs": ..., "scenarios": [...]}``."""
    if output_format == "json":
        return json.dumps(_plan_json(plan), indent=2)
    return plans([plan], output_format)


def stairs_timeline(
    scenario_name: str, stairs: Stairs, *, time_scale: float, users_scale: float
) -> str:
    """The stair as a table of plateaus, with its shape on top and its duration below."""
    title = (
        f"{scenario_name}: {plain(stairs.start_users)} -> {plain(stairs.end_users)} users, "
        f"+{plain(stairs.step_users)} every {plain(stairs.step_seconds)} s, "
        f"hold {plain(stairs.hold_seconds)} s, spawn rate {plain(stairs.spawn_rate)} users/s"
    )
    if (time_scale, users_scale) != (1.0, 1.0):
        title += f" (time scale {plain(time_scale)}, users scale {plain(users_scale)})"
    rows = [
        (
            f"p{step.number}" if step.probe else str(step.number),
            *map(plain, (step.start_s, step.ramp_end_s, step.end_s, step.users)),
        )
        for step in (*stairs.probes, *stairs.steps)
    ]
    grid = _grid(("step", "start s", "ramp end s", "end s", "users"), rows, name_first=False)
    total = stairs.total_seconds
    minutes, seconds = divmod(total, 60)
    duration = f"total duration: {plain(total)} s"
    if stairs.probes:
        duration = f"p1..p{len(stairs.probes)}: probe steps below the plan\n{duration}"
    if minutes:
        duration += f" ({int(minutes)} min {plain(seconds)} s)"
    return "\n".join([title, *grid, duration])


def _plan_json(plan: CasePlan) -> dict[str, object]:
    return {
        "inputs": {
            "dau": plan.inputs.dau,
            "peak_rate": plan.inputs.peak_rate,
            "safety_factor": plan.inputs.safety_factor,
            "response_time_ms": plan.inputs.response_time_ms,
            "seconds_per_day": plan.inputs.seconds_per_day,
        },
        "scenarios": [{key: asdict(row)[key] for key in _JSON_ROW_KEYS} for row in plan.rows],
    }


def _title(plan: CasePlan) -> str:
    inputs = plan.inputs
    return (
        f"{plan.name}: DAU {plain(inputs.dau)}; peak rate {plain(inputs.peak_rate)} "
        f"x safety factor {plain(inputs.safety_factor)}; "
        f"response time {plain(inputs.response_time_ms)} ms"
    )


def _cells(row: PlanRow) -> tuple[str, ...]:
    return (
        row.name,
        f"{row.avg_rps:,.3f}",
        f"{row.peak_rps:,.3f}",
        f"{row.vusers_exact:,.1f}",
        plain(row.vusers),
        plain(row.target_tps),
    )


def _text_block(plan: CasePlan, *, markdown: bool) -> str:
    cells = [_cells(row) for row in plan.rows]
    if not markdown:
        return "\n".join([_title(plan), *_grid(_HEADERS, cells)])
    lines = [f"**{_title(plan)}**", "", _md_row(_HEADERS), "|---|" + "---:|" * (len(_HEADERS) - 1)]
    return "\n".join(lines + [_md_row(row) for row in cells])


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _grid(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, name_first: bool = True
) -> list[str]:
    """Aligned columns: numbers to the right, and a first column of names to the left."""
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = []
    for cells in (headers, *rows):
        first = cells[0].ljust(widths[0]) if name_first else cells[0].rjust(widths[0])
        rest = [cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True)]
        lines.append("  ".join([first, *rest]).rstrip())
    return lines


def _csv(case_plans: Sequence[CasePlan]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    input_keys = ("dau", "peak_rate", "safety_factor", "response_time_ms", "seconds_per_day")
    writer.writerow(("case", *input_keys, "scenario", *_JSON_ROW_KEYS[1:], "step_users"))
    for plan in case_plans:
        inputs = [getattr(plan.inputs, key) for key in input_keys]
        for row in plan.rows:
            values = [getattr(row, key) for key in _JSON_ROW_KEYS]
            writer.writerow([plan.name, *inputs, *values, row.step_users])
    return buffer.getvalue().rstrip("\n")
