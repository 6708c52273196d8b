"""The Capacity section's chart: the fitted USL over the measured plateaus.

Left: TPS against users (planned steps filled, probe steps hollow, the fitted X(N) with
N* marked). Right: MTT against users with the closed-model prediction, the target line
and the planned stress VUser. An untrusted fit is drawn dashed and grey and says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from capacity.usl import UslModel

if TYPE_CHECKING:
    from matplotlib.axes import Axes

_FIT, _MEASURED, _TARGET, _PLAN = "#1f77b4", "#222222", "#d62728", "#ff7f0e"


def write_capacity_chart(
    path: Path, model: UslModel, *, stress_users: float | None, target_ms: float
) -> Path | None:
    """Draw the chart into ``path``; None when there is no measured plateau to show."""
    if not model.points:
        return None
    from reports.chart_parts import pyplot, save

    plt = pyplot()
    fig, (tps_ax, mtt_ax) = plt.subplots(1, 2, figsize=(11, 4.4))
    top = _x_limit(model, stress_users)
    curve_users = [1 + (top - 1) * index / 200 for index in range(201)]
    _tps_panel(tps_ax, model, curve_users)
    _mtt_panel(mtt_ax, model, curve_users, stress_users, target_ms)
    title = "USL fit" if model.trustworthy else f"USL fit NOT trustworthy: {model.reason}"
    fig.suptitle(title, fontsize=10, color="#222" if model.trustworthy else _TARGET)
    fig.tight_layout()
    return save(fig, path)


def _x_limit(model: UslModel, stress_users: float | None) -> float:
    """Up to the largest of: measured users, stress VUser, N* and users at target (+10%)."""
    candidates = [point.users for point in model.points]
    candidates.append(stress_users or 0.0)
    if model.trustworthy:
        candidates += [model.peak_users or 0.0, model.users_at_target or 0.0]
        # A far-away N* would squash the measured points; show at most 3x what was measured.
        candidates = [min(value, 3 * max(p.users for p in model.points)) for value in candidates]
    return max(2.0, max(candidates) * 1.1)


def _style(model: UslModel) -> dict[str, object]:
    if model.trustworthy:
        return {"color": _FIT, "linestyle": "-", "label": "fitted USL"}
    return {"color": "#999999", "linestyle": "--", "label": "fit (not trustworthy)"}


def _points(ax: Axes, model: UslModel, values: list[float | None]) -> None:
    for probe, label, face in ((False, "planned steps", _MEASURED), (True, "probe steps", "none")):
        pairs = [
            (point.users, value)
            for point, value in zip(model.points, values, strict=True)
            if point.probe is probe and value is not None
        ]
        if pairs:
            users, measured = zip(*pairs, strict=True)
            ax.scatter(users, measured, s=28, facecolors=face, edgecolors=_MEASURED, label=label)


def _tps_panel(ax: Axes, model: UslModel, curve_users: list[float]) -> None:
    _points(ax, model, [point.tps for point in model.points])
    if model.fitted:
        ax.plot(curve_users, [model.tps_at(n) for n in curve_users], **_style(model))
    if model.trustworthy and model.peak_users is not None and model.peak_users <= curve_users[-1]:
        ax.axvline(model.peak_users, color=_FIT, linestyle=":", linewidth=1)
        ax.annotate(
            f"N* = {model.peak_users:,.0f}",
            (model.peak_users, model.peak_tps or 0),
            textcoords="offset points",
            xytext=(4, -14),
            fontsize=8,
            color=_FIT,
        )
    ax.set_xlabel("users")
    ax.set_ylabel("TPS")
    ax.set_ylim(bottom=0)
    ax.set_xlim(0, curve_users[-1])
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title("TPS vs users", fontsize=10)


def _mtt_panel(
    ax: Axes,
    model: UslModel,
    curve_users: list[float],
    stress_users: float | None,
    target_ms: float,
) -> None:
    _points(ax, model, [point.mtt_ms for point in model.points])
    if model.fitted:
        ax.plot(curve_users, [model.mtt_ms_at(n) for n in curve_users], **_style(model))
    ax.axhline(target_ms, color=_TARGET, linestyle="--", linewidth=1, label=f"{target_ms:g} ms")
    if stress_users:
        ax.axvline(stress_users, color=_PLAN, linestyle=":", linewidth=1.2, label="stress VUser")
    if model.trustworthy and model.users_at_target and model.users_at_target <= curve_users[-1]:
        ax.scatter([model.users_at_target], [target_ms], marker="x", color=_TARGET, zorder=5)
        ax.annotate(
            f"{model.users_at_target:,.0f} users",
            (model.users_at_target, target_ms),
            textcoords="offset points",
            xytext=(-10, 6),
            fontsize=8,
            color=_TARGET,
            ha="right",
        )
    measured = [point.mtt_ms for point in model.points if point.mtt_ms is not None]
    ax.set_ylim(0, max([target_ms * 1.6, *(value * 1.1 for value in measured)]))
    ax.set_xlim(0, curve_users[-1])
    ax.set_xlabel("users")
    ax.set_ylabel("MTT (ms)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title("MTT vs users (closed model)", fontsize=10)
