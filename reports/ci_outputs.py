"""A run's report for a CI system: JUnit XML (junit.xml) and a Markdown summary (summary.md).

JUnit: one test suite per run, one test case per verdict check and one per step's
validity. A gate check that failed is a ``<failure>`` with the measured value, the limit
and the rule; a check that could not be judged because its step is invalid is an
``<error>``; an informational check passes and says so in ``<system-out>``. A measured
step measured by a saturated load generator is a ``<failure>`` with the reason; a step
never measured is ``<skipped>``. The Markdown summary holds the verdict, the checks and
the step table, for a pipeline's job page (``$GITHUB_STEP_SUMMARY``).
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree import ElementTree as ET

from reports.console import value_text
from reports.steps import StepResult
from reports.verdict import Check, Verdict

SUITE_CLASS = "stairload"


def junit_xml(run_id: str, verdict: Verdict, steps: Sequence[StepResult]) -> str:
    """The JUnit XML document of a run's report."""
    cases = [_check_case(check) for check in verdict.checks]
    cases += [_step_case(step) for step in steps]
    counts = {kind: sum(1 for case in cases if case.find(kind) is not None) for kind in _KINDS}
    root = ET.Element(
        "testsuites",
        name=f"stairload {run_id}",
        tests=str(len(cases)),
        failures=str(counts["failure"]),
        errors=str(counts["error"]),
        skipped=str(counts["skipped"]),
    )
    suite = ET.SubElement(
        root,
        "testsuite",
        name=f"stairload run {run_id}",
        tests=str(len(cases)),
        failures=str(counts["failure"]),
        errors=str(counts["error"]),
        skipped=str(counts["skipped"]),
        time="0",
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("run_id", run_id),
        ("verdict", verdict.verdict),
        ("reason", verdict.reason),
    ):
        ET.SubElement(properties, "property", name=name, value=value)
    suite.extend(cases)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


_KINDS = ("failure", "error", "skipped")


def _check_case(check: Check) -> ET.Element:
    case = ET.Element("testcase", classname=f"{SUITE_CLASS}.verdict", name=check.name, time="0")
    measured = f"measured {value_text(check.measured)}, {check.reference} {value_text(check.limit)}"
    if check.invalid_reason:
        error = ET.SubElement(case, "error", message=f"not judged: {check.invalid_reason}")
        error.set("type", "invalid")
        error.text = f"{check.rule}; {measured}"
    elif not check.gate:
        ET.SubElement(case, "system-out").text = f"{check.rule}; {measured}"
    elif not check.passed:
        failure = ET.SubElement(case, "failure", message=f"{measured}: {check.rule}")
        failure.set("type", "threshold")
        failure.text = f"{check.rule}; {measured}"
    return case


def _step_case(step: StepResult) -> ET.Element:
    name = f"step {step.step} ({step.users:,} users) valid"
    case = ET.Element("testcase", classname=f"{SUITE_CLASS}.steps", name=name, time="0")
    if not step.measured:
        ET.SubElement(case, "skipped", message=f"not measured: {step.status}")
    elif not step.valid:
        reason = step.invalid_reason or "load generator saturated"
        failure = ET.SubElement(case, "failure", message=reason)
        failure.set("type", "invalid step")
        failure.text = f"{reason}; TPS {value_text(step.tps)}, MTT {value_text(step.mtt_ms)} ms"
    else:
        ET.SubElement(case, "system-out").text = (
            f"TPS {value_text(step.tps)}, MTT {value_text(step.mtt_ms)} ms, "
            f"p95 {value_text(step.p95_ms)} ms, error rate {value_text(step.error_rate)}"
        )
    return case


def markdown_summary(
    run_id: str, verdict: Verdict, steps: Sequence[StepResult], report: str = "report.html"
) -> str:
    """The Markdown summary of a run's report: verdict, checks, step table, where the report is."""
    lines = [
        f"## stairload: {verdict.verdict} ({run_id})",
        "",
        f"**{verdict.verdict}**: {_cell(verdict.reason)}",
        "",
        "| check | result | measured | limit | rule |",
        "|---|---|---|---|---|",
    ]
    for check in verdict.checks:
        result = ("PASS" if check.passed else "FAIL") if check.gate else "info"
        if check.invalid_reason:
            result = "n/a"
        lines.append(
            f"| {check.name} | {result} | {value_text(check.measured)} | "
            f"{check.reference} {value_text(check.limit)} | {_cell(check.rule)} |"
        )
    lines += [
        "",
        "| step | users | status | valid | TPS | MTT ms | p95 ms | error rate |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for step in steps:
        valid = "yes" if step.valid else ("no" if step.measured else "-")
        error_rate = "-" if step.error_rate is None else f"{100 * step.error_rate:.2f}%"
        lines.append(
            f"| {step.step} | {step.users:,} | {step.status} | {valid} | "
            f"{_figure(step.tps)} | {_figure(step.mtt_ms)} | {_figure(step.p95_ms)} | "
            f"{error_rate} |"
        )
    for caveat in verdict.caveats:
        lines += ["", f"> caveat: {_cell(caveat)}"]
    lines += ["", f"Report: `{report}`", ""]
    return "\n".join(lines)


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
