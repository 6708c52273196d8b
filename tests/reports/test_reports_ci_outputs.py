"""Every report build writes junit.xml and summary.md; a CI system's parser reads them."""

from __future__ import annotations

from pathlib import Path

from junitparser import Error, Failure, JUnitXml, Skipped

from reports.build import build
from stairload.cli.report import main


def _cases(path: Path) -> dict[str, object]:
    """{test case name: the case} as junitparser (what CI plugins use) reads the file."""
    xml = JUnitXml.fromfile(str(path))
    return {case.name: case for suite in xml for case in suite}


def _results(case) -> list:
    return list(case.result)


def test_a_failed_check_is_a_junit_failure_with_value_and_limit(make_run):
    """The FAIL run's MTT check is a <failure> naming the measured MTT and the limit."""
    run_dir = make_run()
    build(run_dir)
    cases = _cases(run_dir / "junit.xml")
    (failure,) = _results(cases["mtt_at_stress_step_ms"])
    assert isinstance(failure, Failure)
    assert failure.message == (
        "measured 250, limit 200: MTT at the stress step (300 users) <= 200 ms"
    )
    assert _results(cases["error_rate"]) == []  # 0.3% <= 1%: passed
    assert _results(cases["tps_at_stress_step"]) == []  # informational: never fails


def test_one_test_case_per_check_and_per_step(make_run):
    """Three checks and three steps: six test cases, counted in the suite's attributes."""
    run_dir = make_run()
    build(run_dir)
    xml = JUnitXml.fromfile(str(run_dir / "junit.xml"))
    (suite,) = list(xml)
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (6, 1, 0, 0)
    assert sorted(_cases(run_dir / "junit.xml")) == [
        "error_rate",
        "mtt_at_stress_step_ms",
        "step 1 (100 users) valid",
        "step 2 (200 users) valid",
        "step 3 (300 users) valid",
        "tps_at_stress_step",
    ]


def test_a_passing_run_has_no_failure(make_run):
    """MTT target 300 ms: PASS, and no test case fails."""
    run_dir = make_run(mtt_ms=300.0)
    build(run_dir)
    xml = JUnitXml.fromfile(str(run_dir / "junit.xml"))
    (suite,) = list(xml)
    assert (suite.failures, suite.errors) == (0, 0)


def test_an_invalid_step_fails_and_its_check_is_an_error(make_run):
    """A saturated generator in the stress step: the step fails, the MTT check is not judged."""
    run_dir = make_run(generator_cpu_percent=(40, 40, 99))
    build(run_dir)
    cases = _cases(run_dir / "junit.xml")
    (failure,) = _results(cases["step 3 (300 users) valid"])
    assert isinstance(failure, Failure)
    assert failure.message.startswith("load generator above its CPU limit in ")
    (error,) = _results(cases["mtt_at_stress_step_ms"])
    assert isinstance(error, Error)
    assert error.message.startswith("not judged: load generator above its CPU limit")


def test_a_step_never_reached_is_skipped(make_run):
    """A run stopped in step 2: step 3 is skipped, not passed."""
    run_dir = make_run(stop_at_s=30, exit_reason="interrupted")
    build(run_dir)
    (skipped,) = _results(_cases(run_dir / "junit.xml")["step 3 (300 users) valid"])
    assert isinstance(skipped, Skipped)
    assert skipped.message == "not measured: not reached"


def test_the_markdown_summary_holds_verdict_checks_and_steps(make_run):
    """summary.md: the verdict line, one row per check, one row per step, the report path."""
    run_dir = make_run()
    build(run_dir)
    lines = (run_dir / "summary.md").read_text().splitlines()
    assert lines[0] == f"## stairload: FAIL ({run_dir.name})"
    assert lines[2] == (
        "**FAIL**: MTT at the stress step (300 users) is 250.0 ms, over the 200 ms target"
    )
    assert "| mtt_at_stress_step_ms | FAIL | 250 | limit 200 | " in "\n".join(lines)
    assert "| 2 | 200 | complete | yes | 1,600.0 | 125.0 | 200.0 | 0.00% |" in lines
    assert "| 3 | 300 | complete | yes | 1,200.0 | 250.0 | 400.0 | 1.00% |" in lines
    assert lines[-1] == f"Report: `{run_dir / 'report.html'}`"


def test_build_writes_them_elsewhere_too(make_run, tmp_path, capsys):
    """--junit PATH and --markdown PATH get the same content (e.g. $GITHUB_STEP_SUMMARY)."""
    run_dir = make_run()
    junit, markdown = tmp_path / "out" / "junit.xml", tmp_path / "step-summary.md"
    junit.parent.mkdir()
    code = main(["build", str(run_dir), "--junit", str(junit), "--markdown", str(markdown)])
    assert code == 99
    assert junit.read_text() == (run_dir / "junit.xml").read_text()
    assert markdown.read_text() == (run_dir / "summary.md").read_text()
    out = capsys.readouterr().out
    assert f"junit.xml: also written to {junit}" in out


def test_an_unwritable_junit_path_is_one_line(make_run, tmp_path, capsys):
    """--junit into a missing folder: one Error line naming the path, exit 2."""
    run_dir = make_run()
    missing = tmp_path / "nowhere" / "junit.xml"
    assert main(["build", str(run_dir), "--junit", str(missing)]) == 2
    assert capsys.readouterr().err == f"Error: {missing}: No such file or directory\n"
