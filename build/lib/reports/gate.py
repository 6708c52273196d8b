"""A run judged against a baseline run: what regressed, step by step and over the whole run.

Both runs are read from their built reports (``summary.json``; ``stairload report build``
writes it). Steps are matched by their planned user count, an open run's (``--shape
arrivals``) by their offered journey rate: an open and a closed run cannot be matched.
Per matched step: MTT and p95
not more than ``mtt_worse_pct`` / ``p95_worse_pct`` above the baseline's, TPS not more than
``tps_lower_pct`` below it, error rate not above the baseline's plus ``error_rate_points``.
Over the whole run: the error rate and the peak TPS by the same rules (the peak with
the interval of the step that reached it).

When both steps carry 95% confidence intervals (``tps_ci_low``/``tps_ci_high``,
``mtt_ci_low_ms``/``mtt_ci_high_ms``), a step regressed only when the intervals say so:
its TPS interval lies wholly below the baseline interval's low end less the tolerance,
its MTT interval wholly above the baseline interval's high end plus the tolerance.
Without them the point values are compared.

The outcome is INCONCLUSIVE when either run's verdict is INCONCLUSIVE, a matched step of
either run is invalid (measured by a saturated load generator) or no step matches: then
a regression cannot be told from a measurement that describes the generator.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from capacity.config import RegressionRules
from stairload.core.errors import InputError
from stairload.rundir.atomic import write_file
from stairload.rundir.files import GATE_HTML, GATE_JSON, SUMMARY_JSON

PASSED, REGRESSED, INCONCLUSIVE = "PASS", "REGRESSED", "INCONCLUSIVE"
INTERVALS = "95% intervals"
POINTS = "point values"
_MEASURED = ("complete", "partial")
USERS, RATE = "users", "journeys/s"  # what a step is matched by: closed runs, open runs


@dataclass(frozen=True)
class Finding:
    """One rule applied to one step (``users``) or to the whole run (``users`` None).

    ``users`` is the step's planned users, or its offered journeys per second when
    ``unit`` is ``RATE`` (an open run).
    """

    users: float | None
    metric: str  # mtt_ms, p95_ms, tps, error_rate, peak_tps
    baseline: float | None
    measured: float | None
    limit: float | None
    regressed: bool
    basis: str  # INTERVALS or POINTS
    rule: str
    unit: str = USERS

    @property
    def where(self) -> str:
        """'300 users', '2.083 journeys/s' or 'whole run'."""
        return "whole run" if self.users is None else step_label(self.users, self.unit)


def step_label(key: float, unit: str) -> str:
    """A matched step as the gate names it: '1,200 users' or '2.083 journeys/s'."""
    return f"{int(key):,} users" if unit == USERS else f"{key:g} journeys/s"


@dataclass(frozen=True)
class GateResult:
    """The outcome of a gate and every rule it applied."""

    baseline_dir: str
    run_dir: str
    baseline_id: str
    run_id: str
    outcome: str
    reason: str
    findings: tuple[Finding, ...]
    invalid: tuple[str, ...]
    unmatched_users: tuple[float, ...]
    rules: RegressionRules
    unit: str = USERS  # what steps were matched by

    @property
    def regressions(self) -> tuple[Finding, ...]:
        """The findings that regressed."""
        return tuple(finding for finding in self.findings if finding.regressed)

    def to_json(self) -> dict[str, Any]:
        """gate.json's content."""
        return {
            "baseline": {"run_id": self.baseline_id, "dir": self.baseline_dir},
            "run": {"run_id": self.run_id, "dir": self.run_dir},
            "outcome": self.outcome,
            "reason": self.reason,
            "rules": asdict(self.rules),
            "invalid": list(self.invalid),
            "unmatched_users": list(self.unmatched_users),
            "matched_by": self.unit,
            "regressions": len(self.regressions),
            "findings": [{**asdict(finding), "where": finding.where} for finding in self.findings],
        }


def read_summary(run_dir: Path) -> dict[str, Any]:
    """A run directory's summary.json; ``InputError`` when it is missing or unreadable."""
    path = run_dir / SUMMARY_JSON
    if not path.is_file():
        raise InputError(
            f"{path}: no such file (build the run's report first: stairload report build {run_dir})"
        )
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"{path}: not JSON ({error})") from None
    if not isinstance(content, dict) or not isinstance(content.get("steps"), list):
        raise InputError(f"{path}: steps: missing (not a stairload summary.json)")
    return content


def gate(baseline_dir: Path, run_dir: Path, rules: RegressionRules) -> GateResult:
    """Judge ``run_dir`` against ``baseline_dir`` (both with a built report)."""
    baseline, run = read_summary(baseline_dir), read_summary(run_dir)
    unit, run_unit = _unit(baseline), _unit(run)
    base_steps, run_steps = _measured_steps(baseline, unit), _measured_steps(run, run_unit)
    if unit != run_unit:
        base_steps, run_steps = {}, {}
    matched = sorted(set(base_steps) & set(run_steps))
    unmatched = tuple(sorted(set(base_steps) ^ set(run_steps)))
    findings: list[Finding] = []
    for key in matched:
        findings.extend(
            dataclasses.replace(finding, unit=unit)
            for finding in _step_findings(key, base_steps[key], run_steps[key], rules)
        )
    findings.extend(_run_findings(baseline, run, rules))
    invalid = _invalid(baseline, "baseline", base_steps, matched, unit)
    invalid += _invalid(run, "run", run_steps, matched, unit)
    regressed = [finding for finding in findings if finding.regressed]
    if unit != run_unit:
        outcome, reason = (
            INCONCLUSIVE,
            (
                f"the baseline's steps are {unit} and the run's {run_unit} (one is an open run, "
                "--shape arrivals, the other closed): their steps cannot be matched"
            ),
        )
    elif invalid:
        outcome, reason = INCONCLUSIVE, "; ".join(invalid)
    elif not matched:
        what = "user count" if unit == USERS else "offered journey rate"
        outcome, reason = INCONCLUSIVE, f"no measured step has the same {what} in both runs"
    elif regressed:
        where = sorted({finding.where for finding in regressed}, key=_where_order)
        outcome, reason = REGRESSED, f"{len(regressed)} rule(s) regressed: {', '.join(where)}"
    else:
        outcome = PASSED
        reason = f"no regression in {len(findings)} rules over {len(matched)} matched step(s)"
    return GateResult(
        baseline_dir=str(baseline_dir),
        run_dir=str(run_dir),
        baseline_id=str(baseline.get("run_id", baseline_dir.name)),
        run_id=str(run.get("run_id", run_dir.name)),
        outcome=outcome,
        reason=reason,
        findings=tuple(findings),
        invalid=tuple(invalid),
        unmatched_users=unmatched,
        rules=rules,
        unit=unit,
    )


def _where_order(where: str) -> tuple[int, float]:
    if where == "whole run":
        return (1, 0.0)
    return (0, float(where.split()[0].replace(",", "")))


def _unit(summary: dict[str, Any]) -> str:
    """RATE when the run was open (its steps carry an offered rate), else USERS."""
    steps = [step for step in summary["steps"] if isinstance(step, dict)]
    return RATE if steps and all("offered_rate" in step for step in steps) else USERS


def _measured_steps(summary: dict[str, Any], unit: str) -> dict[float, dict[str, Any]]:
    """The measured steps by what they are matched on (``_step_key``)."""
    return {
        _step_key(step, unit): step
        for step in summary["steps"]
        if isinstance(step, dict) and step.get("status") in _MEASURED
    }


def _step_key(step: dict[str, Any], unit: str) -> float:
    """A closed step's planned users; an open step's offered rate (to 4 decimals)."""
    return int(step["users"]) if unit == USERS else round(float(step["offered_rate"]), 4)


def _invalid(
    summary: dict[str, Any],
    label: str,
    steps: dict[float, dict[str, Any]],
    matched: list[float],
    unit: str,
) -> list[str]:
    problems = []
    if summary.get("verdict") == "INCONCLUSIVE":
        problems.append(f"the {label}'s verdict is INCONCLUSIVE ({summary.get('reason', '')})")
    invalid_steps = set(summary.get("invalid_steps") or ())
    for key in matched:
        if steps[key].get("step") in invalid_steps:
            problems.append(f"the {label}'s step of {step_label(key, unit)} is invalid")
    return problems


def _number(row: dict[str, Any], key: str) -> float | None:
    value = row.get(key)
    if value is None or value == "":
        return None
    return float(value)


def _step_findings(
    users: float, base: dict[str, Any], run: dict[str, Any], rules: RegressionRules
) -> list[Finding]:
    return [
        _higher_is_worse(
            users,
            "mtt_ms",
            base,
            run,
            rules.mtt_worse_pct,
            ("mtt_ci_low_ms", "mtt_ci_high_ms"),
        ),
        _higher_is_worse(users, "p95_ms", base, run, rules.p95_worse_pct, None),
        _lower_is_worse(
            users, "tps", base, run, rules.tps_lower_pct, ("tps_ci_low", "tps_ci_high")
        ),
        _error_rate(users, _number(base, "error_rate"), _number(run, "error_rate"), rules),
    ]


def _intervals(
    base: dict[str, Any], run: dict[str, Any], keys: tuple[str, str] | None
) -> tuple[tuple[float, float], tuple[float, float]] | None:
    if keys is None:
        return None
    values = [_number(row, key) for row in (base, run) for key in keys]
    if any(value is None for value in values):
        return None
    base_low, base_high, run_low, run_high = (float(value or 0.0) for value in values)
    return (base_low, base_high), (run_low, run_high)


def _higher_is_worse(
    users: float,
    metric: str,
    base: dict[str, Any],
    run: dict[str, Any],
    percent: float,
    ci_keys: tuple[str, str] | None,
) -> Finding:
    before, after = _number(base, metric), _number(run, metric)
    intervals = _intervals(base, run, ci_keys)
    factor = 1 + percent / 100
    if intervals is not None:
        (_, base_high), (run_low, _) = intervals
        limit = round(base_high * factor, 9)
        return Finding(
            users,
            metric,
            before,
            after,
            limit,
            run_low > limit,
            INTERVALS,
            f"{metric} interval's low end <= baseline interval's high end + {percent:g}%",
        )
    limit = None if before is None else round(before * factor, 9)
    regressed = limit is not None and after is not None and after > limit
    return Finding(
        users,
        metric,
        before,
        after,
        limit,
        regressed,
        POINTS,
        f"{metric} <= baseline + {percent:g}%",
    )


def _lower_is_worse(
    users: float | None,
    metric: str,
    base: dict[str, Any],
    run: dict[str, Any],
    percent: float,
    ci_keys: tuple[str, str] | None,
) -> Finding:
    before, after = _number(base, metric), _number(run, metric)
    intervals = _intervals(base, run, ci_keys)
    factor = 1 - percent / 100
    if intervals is not None:
        (base_low, _), (_, run_high) = intervals
        limit = round(base_low * factor, 9)
        return Finding(
            users,
            metric,
            before,
            after,
            limit,
            run_high < limit,
            INTERVALS,
            f"{metric} interval's high end >= baseline interval's low end - {percent:g}%",
        )
    limit = None if before is None else round(before * factor, 9)
    regressed = limit is not None and after is not None and after < limit
    return Finding(
        users,
        metric,
        before,
        after,
        limit,
        regressed,
        POINTS,
        f"{metric} >= baseline - {percent:g}%",
    )


def _error_rate(
    users: float | None, before: float | None, after: float | None, rules: RegressionRules
) -> Finding:
    points = rules.error_rate_points
    limit = None if before is None else round(before + points / 100, 9)
    regressed = limit is not None and after is not None and after > limit + 1e-12
    return Finding(
        users,
        "error_rate",
        before,
        after,
        limit,
        regressed,
        POINTS,
        f"error_rate <= baseline + {points:g} points",
    )


def _run_error_rate(summary: dict[str, Any]) -> float | None:
    for check in summary.get("checks") or ():
        if isinstance(check, dict) and check.get("name") == "error_rate":
            return _number(check, "measured")
    return None


def _run_findings(
    baseline: dict[str, Any], run: dict[str, Any], rules: RegressionRules
) -> list[Finding]:
    keys = ("peak_tps_ci_low", "peak_tps_ci_high")
    return [
        _error_rate(None, _run_error_rate(baseline), _run_error_rate(run), rules),
        _lower_is_worse(None, "peak_tps", _peak(baseline), _peak(run), rules.tps_lower_pct, keys),
    ]


def _peak(summary: dict[str, Any]) -> dict[str, Any]:
    """The peak TPS, with the interval of the step that reached it when that step has one."""
    peak = _number(summary, "peak_tps")
    row: dict[str, Any] = {"peak_tps": peak}
    steps = [step for step in summary["steps"] if _number(step, "tps") is not None]
    if peak is not None and steps:  # summary.json rounds the peak and the steps differently
        step = min(steps, key=lambda step: abs(float(step["tps"]) - peak))
        if abs(float(step["tps"]) - peak) <= 0.01:
            row["peak_tps_ci_low"] = step.get("tps_ci_low")
            row["peak_tps_ci_high"] = step.get("tps_ci_high")
    return row


def write_gate(result: GateResult, out_dir: Path) -> tuple[Path, Path]:
    """Write gate.json and gate.html into ``out_dir``; return their paths."""
    from markupsafe import Markup

    from reports.html import CSS, render

    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out_dir / GATE_JSON, out_dir / GATE_HTML
    write_file(json_path, json.dumps(result.to_json(), indent=2) + "\n")
    rows = [
        [
            finding.where,
            finding.metric,
            _shown(finding.baseline),
            _shown(finding.measured),
            _shown(finding.limit),
            finding.basis,
            "REGRESSED" if finding.regressed else "ok",
        ]
        for finding in result.findings
    ]
    page = render("gate.html", css=Markup(CSS), gate=result, rows=rows)
    write_file(html_path, page)
    return json_path, html_path


def _shown(value: float | None) -> str:
    if value is None:
        return "\N{EN DASH}"
    return f"{value:.4g}" if abs(value) < 1 else f"{value:,.1f}"


def table_lines(findings: tuple[Finding, ...]) -> list[str]:
    """The console's table of findings: where, metric, baseline, run, limit, basis."""
    header = ("where", "metric", "baseline", "run", "limit", "basis")
    rows = [
        (
            finding.where,
            finding.metric,
            _shown(finding.baseline),
            _shown(finding.measured),
            _shown(finding.limit),
            finding.basis,
        )
        for finding in findings
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    return [
        ("  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))).rstrip()
        for row in (header, *rows)
    ]
