"""stairload report: exit codes, output lines, and one-line errors for unreadable runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from stairload.cli.report import main


def test_build_prints_the_verdict_and_where_the_report_is(make_run, capsys):
    """build prints each check and the report path, and exits 99 on FAIL by default."""
    run_dir = make_run()
    assert main(["build", str(run_dir)]) == 99
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "verdict: FAIL (MTT at the stress step (300 users) is 250.0 ms, over the 200 ms target)"
    )
    assert "  FAIL  mtt_at_stress_step_ms  250 (limit 200)" in out
    assert "  info  tps_at_stress_step     1200 (plan 1500)" in out
    assert "max users within target: 200; knee: step 3; peak TPS: 1600" in out
    assert out[-1] == f"report: {run_dir / 'report.html'}"


@pytest.mark.parametrize(
    ("mtt_ms", "extra", "code"),
    [
        (300.0, [], 0),
        (200.0, [], 99),
        (200.0, ["--fail-exit-code", "3"], 3),
        (200.0, ["--fail-exit-code", "0"], 0),
    ],
)
def test_exit_code_follows_the_verdict(make_run, capsys, mtt_ms, extra, code):
    """0 on PASS; --fail-exit-code (default 99, 0 disables) on FAIL."""
    assert main(["build", str(make_run(mtt_ms=mtt_ms)), *extra]) == code


def test_interrupted_run_is_announced_first(make_run, capsys):
    """An interrupted run's first output line says so."""
    main(["build", str(make_run(stop_at_s=50, exit_reason="interrupted"))])
    first = capsys.readouterr().out.splitlines()[0]
    assert first == "note: The run was interrupted (Ctrl-C) before the plan finished."


def _break(run_dir: Path, name: str, text: str | None) -> None:
    path = run_dir / name
    if text is None:
        path.unlink()
    else:
        path.write_text(text)


def _edit_run_json(run_dir: Path, change) -> None:
    doc = json.loads((run_dir / "run.json").read_text())
    change(doc)
    (run_dir / "run.json").write_text(json.dumps(doc))


_HEADER = "time_s,timestamp,method,name,users,target_users,requests,failures,"
_TIMES = "mean_ms,min_ms,p50_ms,p95_ms,p99_ms,max_ms"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("run.json", None, "run.json: not found in {run_dir}"),
        (
            "run.json",
            '{"stairs": ',
            "run.json: line 1: not valid JSON (Expecting value, column 12)",
        ),
        ("run.json", "[1, 2]", "run.json: must be a JSON object (got list)"),
        (
            "intervals.csv",
            None,
            "intervals.csv: not found in {run_dir} (nor locust_stats_history.csv to fall back on)",
        ),
        ("intervals.csv", "", "intervals.csv: empty file (no header line)"),
        ("intervals.csv", _HEADER + "mean_ms\n", "intervals.csv: missing column 'min_ms'"),
        (
            "intervals.csv",
            _HEADER + _TIMES + "\n0,1.0,,Total,1,1,many,0,1,1,1,1,1,1\n",
            "intervals.csv: line 2: requests: not a number (got 'many')",
        ),
        (
            "intervals.csv",
            _HEADER + _TIMES + "\n0,1.0,,Total,1,1,1,0,1,1,1,1,1,1\n"
            "0,1.0,,Total,1,1,1,0,1,1,1,1,1,1\n",
            "intervals.csv: line 3: second Total row for time_s 0",
        ),
        (
            "intervals.csv",
            _HEADER + _TIMES + ",histogram\n10,1.0,,Total,1,1,1,0,1,1,1,1,1,1,HISTF%AA\n",
            "intervals.csv: histogram of time_s 10: not an HDR histogram (not base64)",
        ),
        (
            "intervals.csv",
            _HEADER + _TIMES + ",histogram\n10,1.0,,Total,1,1,1,0,1,1,1,1,1,1,5:1 7\n",
            "intervals.csv: histogram of time_s 10: not 'ms:count' pairs (got '7')",
        ),
    ],
)
def test_unreadable_files_give_one_line_and_exit_2(make_run, capsys, name, text, message):
    """A missing or malformed file is one 'Error:' line naming the file, and exit code 2."""
    run_dir = make_run()
    _break(run_dir, name, text)
    assert main(["build", str(run_dir)]) == 2
    err = capsys.readouterr().err
    assert err == f"Error: {message.format(run_dir=run_dir)}\n"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["thresholds"].update(mtt_ms="fast"),
            "run.json: thresholds.mtt_ms: must be a number (got 'fast')",
        ),
        (lambda d: d.pop("thresholds"), "run.json: thresholds: is required"),
        (
            lambda d: d["stairs"]["steps"][1].pop("end_s"),
            "run.json: stairs.steps[1].end_s: is required",
        ),
        (
            lambda d: d["stairs"].update(steps=[]),
            "run.json: stairs.steps: must list at least one step (got [])",
        ),
        (
            lambda d: d["load_generator"].update(loop_lag={"local": [[1.0, -2.0, 0.5]]}),
            "run.json: load_generator.loop_lag.local[0]: must be [time_s, p99_ms, mean_ms], "
            "each finite and >= 0 (got [1.0, -2.0, 0.5])",
        ),
        (
            lambda d: d.update(exit_reason="bored"),
            "run.json: exit_reason: must be one of starting, running, completed, interrupted, "
            "terminated, target_unreachable, error, aborted, runner_lost, disk_full, "
            "run_dir_unwritable; did you mean 'aborted'? (got 'bored')",
        ),
    ],
)
def test_malformed_run_json_fields_are_named(make_run, capsys, change, message):
    """A bad run.json field is named by its path, with the value it had."""
    run_dir = make_run()
    _edit_run_json(run_dir, change)
    assert main(["build", str(run_dir)]) == 2
    assert capsys.readouterr().err == f"Error: {message}\n"


def test_missing_run_directory_is_a_one_line_error(tmp_path, capsys):
    """A RUN_DIR that does not exist is named, exit 2."""
    assert main(["build", str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err == f"Error: {tmp_path / 'nope'}: not a directory\n"


def test_negative_exclude_seconds_is_refused(make_run, capsys):
    """--exclude-seconds must not be negative."""
    assert main(["build", str(make_run()), "--exclude-seconds", "-1"]) == 2
    assert capsys.readouterr().err == "Error: --exclude-seconds: must be >= 0 (got -1)\n"


def test_errors_reach_the_shell_without_a_traceback(make_run):
    """Through python -m, a broken run.json is one stderr line and exit 2."""
    run_dir = make_run()
    (run_dir / "run.json").write_text("{")
    done = subprocess.run(
        [sys.executable, "-m", "stairload", "report", "build", str(run_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


@pytest.mark.parametrize("command", [[], ["build"], ["compare"]])
def test_every_command_has_help(command, capsys):
    """--help works for the program and each command, and says what it does."""
    assert main([*command, "--help"]) == 0
    assert "usage: stairload report" in capsys.readouterr().out


def test_help_does_not_import_pandas_or_matplotlib():
    """stairload report --help stays fast: no pandas, no matplotlib."""
    code = (
        "import sys; from stairload.cli.report import main\n"
        "main(['--help'])\n"
        "print(sorted(m for m in ('pandas', 'matplotlib') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"
