"""junit.xml (a run's and a gate's) validates against the JUnit schema CI systems read.

The schema is tests/fixtures/junit.xsd (the Ant/Jenkins JUnit structure); libxml2 through
lxml checks it, as ``xmllint --schema`` would; junitparser then reads the outcomes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from junitparser import Error, Failure, JUnitXml, Skipped
from lxml import etree
from synthetic import StepSpec

from reports.build import build
from stairload.cli.report import main

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "fixtures" / "junit.xsd"
SLOWER = (StepSpec(100, 700, 140.0), StepSpec(200, 1120, 175.0), StepSpec(300, 840, 350.0))


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def _problems(schema: etree.XMLSchema, path: Path) -> list[str]:
    """The schema's complaints about ``path`` (empty: it validates)."""
    schema.validate(etree.parse(str(path)))
    return [f"line {error.line}: {error.message}" for error in schema.error_log]


def _outcomes(path: Path) -> dict[str, list[type]]:
    """{test case name: the kinds of its results} as junitparser reads them."""
    return {
        case.name: [type(result) for result in case.result]
        for suite in JUnitXml.fromfile(str(path))
        for case in suite
    }


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, {"mtt_at_stress_step_ms": [Failure], "step 3 (300 users) valid": []}),
        ({"mtt_ms": 300.0}, {"mtt_at_stress_step_ms": [], "step 1 (100 users) valid": []}),
        (
            {"generator_cpu_percent": (40, 40, 99)},
            {"mtt_at_stress_step_ms": [Error], "step 3 (300 users) valid": [Failure]},
        ),
        (
            {"stop_at_s": 30, "exit_reason": "interrupted"},
            {"step 3 (300 users) valid": [Skipped]},
        ),
    ],
    ids=["fail", "pass", "saturated step", "step never reached"],
)
def test_a_runs_junit_validates_and_a_parser_reads_its_outcomes(
    make_run, schema, changes, expected
):
    """Each kind of outcome (failure, error, skipped, pass) validates and reads back."""
    run_dir = make_run(**changes)
    build(run_dir)
    junit = run_dir / "junit.xml"
    assert _problems(schema, junit) == []
    outcomes = _outcomes(junit)
    assert {name: outcomes[name] for name in expected} == expected


def test_a_gates_junit_validates_with_its_regressions(make_run, schema, tmp_path, capsys):
    """A regressed gate's JUnit validates; its regressions are failures to junitparser."""
    baseline, run = make_run(), make_run(steps=SLOWER)
    build(baseline)
    build(run)
    junit = tmp_path / "gate.xml"
    main(["gate", str(baseline), str(run), "--junit", str(junit)])
    assert _problems(schema, junit) == []
    outcomes = _outcomes(junit)
    assert outcomes["200 users: mtt_ms"] == [Failure]
    assert outcomes["200 users: error_rate"] == []


def test_an_inconclusive_gates_junit_validates(make_run, schema, tmp_path, capsys):
    """An invalid run: the gate's failing 'runs are valid' case validates too."""
    baseline, run = make_run(), make_run(generator_cpu_percent=(40, 40, 99))
    build(baseline)
    build(run)
    junit = tmp_path / "gate.xml"
    assert main(["gate", str(baseline), str(run), "--junit", str(junit)]) == 98
    assert _problems(schema, junit) == []
    assert _outcomes(junit)["runs are valid"] == [Failure]


@pytest.mark.parametrize(
    ("document", "complaint"),
    [
        ('<testsuites><testsuite name="s"/></testsuites>', "'tests' is required"),
        ('<testsuite name="s" tests="1"><testcase/></testsuite>', "'name' is required"),
        ('<testsuite name="s" tests="-1"/>', "not a valid value"),
        (
            '<testsuite name="s" tests="1"><testcase name="c"><skipped/><failure/>'
            "</testcase></testsuite>",
            "not expected",
        ),
        ('<testsuite name="s" tests="1"><failure/></testsuite>', "not expected"),
    ],
    ids=["suite without tests", "case without name", "negative count", "skipped and failed",
         "failure outside a case"],
)  # fmt: skip
def test_the_schema_rejects_what_ci_parsers_would_not_read(schema, tmp_path, document, complaint):
    """The schema is not a pass-everything: broken documents fail it, naming the problem."""
    path = tmp_path / "bad.xml"
    path.write_text(document)
    problems = _problems(schema, path)
    assert problems and complaint in problems[0], problems
