"""A run's report for a CI system: JUnit XML (junit.xml) and a Markdown summary (summary.md).

JUnit: one test suite per run, one test case per verdict check and one per step's
validity. A gate check that failed is a ``<failure>`` with the measured value, the limit
and the rule; a check that could not be judged because its step is invalid is an
``<error>``; an informational check passes and says so in ``<system-out>``. A measured
step measured by a saturated load generator is a ``<failure>`` with the reason; a step
never measured is ``<skipped>``. The Markdown summary holds the verdict, the checks and
the step table, for a pipeline's job page (``$GITHUB_STEP_SUMMARY``).

A gate (``reports.gate``) has its own: one test case per rule and step, a regression a
``<failure>`` with the measured value, the limit and the baseline; an INCONCLUSIVE gate
adds a failing ``runs are valid`` case with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree import ElementTree as ET

from reports.console import value_text
from reports.gate import INCONCLUSIVE, GateResult
from reports.steps import StepResult
from reports.verdict import Check, Verdict
from stairload.rundir import REPORT_HTML
from stairload.rundir.files import GATE_HTML

SUITE_CLASS = "stairload"


def junit_xml(run_id: str, verdict: Verdict, steps: Sequence[StepResult]) -> str:
    """The JUnit XML document of a run's report."""
    cases = [_check_case(check) for check in verdict.checks]
    cases += [_step_case(step) for step in steps]
    properties = {"run_id": run_id, "verdict": verdict.verdict, "reason": verdict.reason}
    return _document(f"stairload {run_id}", f"stairload run {run_id}", cases, properties)


def gate_junit_xml(gate: GateResult) -> str:
    """The JUnit XML document of a gate: a test case per rule and step."""
    cases = []
    if gate.outcome == INCONCLUSIVE:
        case = ET.Element("testcase", classname=f"{SUITE_CLASS}.gate", name="runs are valid")
        failure = ET.SubElement(case, "failure", message=gate.reason)
        failure.set("type", "inconclusive")
        cases.append(case)
    for finding in gate.findings:
        name = f"{finding.where}: {finding.metric}"
        case = ET.Element("testcase", classname=f"{SUITE_CLASS}.gate", name=name, time="0")
        text = (
            f"measured {value_text(finding.measured)}, limit {value_text(finding.limit)} "
            f"(baseline {value_text(finding.baseline)}; {finding.basis})"
        )
        if finding.regressed:
            failure = ET.SubElement(case, "failure", message=f"{text}: {finding.rule}")
            failure.set("type", "regression")
        else:
            ET.SubElement(case, "system-out").text = f"{text}: {finding.rule}"
        cases.append(case)
    title = f"stairload gate {gate.run_id} vs {gate.baseline_id}"
    properties = {
        "run_id": gate.run_id,
        "baseline_id": gate.baseline_id,
        "outcome": gate.outcome,
        "reason": gate.reason,
    }
    return _document(title, title, cases, properties)


def _document(
    name: str, suite_name: str, cases: list[ET.Element], properties: dict[str, str]
) -> str:
    counts = {kind: sum(1 for case in cases if case.find(kind) is not None) for kind in _KINDS}
    root = ET.Element(
        "testsuites",
        name=name,
        tests=str(len(cases)),
        failures=str(counts["failure"]),
        errors=str(counts["error"]),
        skipped=str(counts["skipped"]),
    )
    suite = ET.SubElement(
        root,
        "testsuite",
        name=suite_name,
        tests=str(len(cases)),
        failures=str(counts["failure"]),
        errors=str(counts["error"]),
        skipped=str(counts["skipped"]),
        time="0",
    )
    listed = ET.SubElement(suite, "properties")
    for key, value in properties.items():
        ET.SubElement(listed, "property", name=key, value=value)
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
    name = f"step {step.step} ({step.label}) valid"
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
    run_id: str, verdict: Verdict, steps: Sequence[StepResult], report: str = REPORT_HTML
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
        elif check.margin:
            result = f"{result} at the margin"
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


def gate_markdown(gate: GateResult, report: str = GATE_HTML) -> str:
    """The Markdown summary of a gate: outcome, reason, the table of what regressed."""
    lines = [
        f"## stairload gate: {gate.outcome} ({gate.run_id} vs {gate.baseline_id})",
        "",
        f"**{gate.outcome}**: {_cell(gate.reason)}",
        "",
    ]
    regressions = gate.regressions
    if regressions:
        lines += [
            "| where | metric | baseline | run | limit | compared on |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {f.where} | {f.metric} | {value_text(f.baseline)} | {value_text(f.measured)} | "
            f"{value_text(f.limit)} | {f.basis} |"
            for f in regressions
        ]
        lines.append("")
    lines += [f"Report: `{report}`", ""]
    return "\n".join(lines)
