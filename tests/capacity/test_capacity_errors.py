"""Every user mistake is one line on stderr, `Error: <message>`, exit code 2, no traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from capacity.cli import main

_SCENARIO_KEYS = (
    "description, requests_per_user_per_day, journey_seconds, stairs, "
    "vars, data, headers, steps, locustfile"
)
_TOP_KEYS = "service, load, cases, thresholds, scenarios, alarms, scaling"

# a mistake the parser finds ends by pointing at the help of the command it was in
_TOP_HELP = " (see 'capacity --help')"
_WHAT_IF_HELP = " (see 'capacity what-if --help')"
_STAIRS_HELP = " (see 'capacity stairs --help')"

_EMPTY = "is empty; expected a mapping with service, cases, thresholds and scenarios"

# (test id, the whole file, expected message after "{path}: ")
BAD_FILES = [
    ("empty file", "", _EMPTY),
    ("comments only", "# nothing yet\n", _EMPTY),
    ("not a mapping", "just text\n", "(top level): must be a mapping (got 'just text')"),
    ("a list", "- service\n", "(top level): must be a mapping (got ['service'])"),
]

# (test id, text replaced in SMALL_YAML, replacement, expected message after "{path}: ")
BAD_YAML = [
    ("YAML syntax", "steps: [{request: GET /trips}]", "steps: [{request: GET /trips}",
     "YAML syntax error: line 19, column 5: expected ',' or ']', but got '<scalar>'"),
    ("unknown variable in a journey step", "GET /trips}", "'GET /trips/{trip_id}'}",
     "scenarios.scenario2.steps[0].request: unknown variable 'trip_id'; known here: "
     "iteration, uuid, vu (got 'GET /trips/{trip_id}')"),
    ("bad JMESPath in a journey step", "GET /trips}", "GET /trips, capture: {id: 'a['}}",
     "scenarios.scenario2.steps[0].capture.id: not a valid JMESPath expression "
     "(incomplete expression at character 3) (got 'a[')"),
    ("text for a number", "dau: 25000", "dau: many",
     "cases.average.dau: must be a number (got 'many')"),
    ("quoted number", "dau: 25000", 'dau: "25,000"',
     "cases.average.dau: must be a number (got '25,000')"),
    ("boolean for a number", "peak_rate: 2.0", "peak_rate: yes",
     "service.peak_rate: must be a number (got True)"),
    ("negative number", "journey_seconds: 1000", "journey_seconds: -5",
     "scenarios.scenario2.journey_seconds: must be > 0 (got -5)"),
    ("zero", "peak_rate: 2.0", "peak_rate: 0", "service.peak_rate: must be > 0 (got 0)"),
    ("infinite number", "dau: 45000", "dau: .inf",
     "cases.stress.dau: must be a finite number (got inf)"),
    ("fraction for a whole number", "step_users: 100", "step_users: 2.5",
     "scenarios.scenario2.stairs.step_users: must be a whole number (got 2.5)"),
    ("error rate above 1", "error_rate: 0.01", "error_rate: 5",
     "thresholds.error_rate: must be a fraction between 0 and 1 (got 5)"),
    ("spawn rate too slow for a step", "spawn_rate: 100}", "spawn_rate: 1}",
     "scenarios.scenario2.stairs.spawn_rate: must be >= step_users / step_seconds (1.66667), "
     "or a step never plateaus (got 1)"),
    ("mapping expected", "  stress:\n    dau: 45000\n", "  stress: 45000\n",
     "cases.stress: must be a mapping (got 45000)"),
    ("number as a name", "  average:\n", "  1:\n", "cases.1: name must be text (got 1)"),
    ("missing field", "  response_time_ms: 500\n", "",
     "service.response_time_ms: is required"),
    ("unknown key", "journey_seconds: 1000", "journey_second: 1000",
     f"scenarios.scenario2.journey_second: unknown key; allowed: {_SCENARIO_KEYS}; "
     "did you mean 'journey_seconds'?"),
    ("unknown top-level key", "thresholds:", "threshold:",
     f"threshold: unknown key; allowed: {_TOP_KEYS}; did you mean 'thresholds'?"),
]  # fmt: skip

# (test id, arguments with {path} for the scenarios file, expected message)
BAD_ARGUMENTS = [
    ("negative DAU", ["what-if", "--dau", "-5"],
     "--dau: must be in 1..10,000,000,000 (got '-5')" + _WHAT_IF_HELP),
    ("zero DAU", ["what-if", "--dau", "0"],
     "--dau: must be in 1..10,000,000,000 (got '0')" + _WHAT_IF_HELP),
    ("text DAU", ["what-if", "--dau", "abc"],
     "--dau: must be a number (got 'abc')" + _WHAT_IF_HELP),
    ("infinite DAU", ["what-if", "--dau", "inf"],
     "--dau: must be in 1..10,000,000,000 (got 'inf')" + _WHAT_IF_HELP),
    ("text growth", ["what-if", "--growth", "abc"],
     "--growth: must be a number (got 'abc')" + _WHAT_IF_HELP),
    ("growth to no users", ["what-if", "--growth", "-100"], "--growth: must be > -100 (got -100)"),
    ("negative peak rate", ["what-if", "--dau", "1", "--peak-rate", "-2"],
     "--peak-rate: must be in 0.001..1,000 (got '-2')" + _WHAT_IF_HELP),
    ("zero response time", ["what-if", "--dau", "1", "--response-ms", "0"],
     "--response-ms: must be in 1..3,600,000 (got '0')" + _WHAT_IF_HELP),
    ("overflowing DAU", ["what-if", "--dau", "1e308"],
     "--dau: must be in 1..10,000,000,000 (got '1e308')" + _WHAT_IF_HELP),
    ("overflowing growth", ["what-if", "--growth", "1e308"],
     "--growth: the DAU would be above 10,000,000,000 (got 1e+308)"),
    ("denormal response time", ["what-if", "--dau", "1", "--response-ms", "1e-320"],
     "--response-ms: must be in 1..3,600,000 (got '1e-320')" + _WHAT_IF_HELP),
    ("neither DAU nor growth", ["what-if"], "capacity what-if: one of the arguments --dau "
     "--growth is required (see 'capacity what-if --help')"),
    ("both DAU and growth", ["what-if", "--dau", "1", "--growth", "2"],
     "--growth: not allowed with argument --dau" + _WHAT_IF_HELP),
    ("unknown format", ["what-if", "--dau", "1", "--format", "jsn"], "--format: invalid "
     "choice: 'jsn' (choose from 'table', 'json', 'csv', 'markdown'); did you mean 'json'?"
     + _WHAT_IF_HELP),
    ("explain as JSON", ["what-if", "--dau", "1", "--format", "json", "--explain"],
     "--explain: needs --format table or markdown (got json)"),
    ("unknown option", ["what-if", "--dau", "1", "--bogus"],
     "capacity: unrecognized arguments: --bogus (see 'capacity --help')"),
    ("unknown scenario", ["what-if", "--dau", "1", "--scenario", "scenaro2"],
     "{path}: unknown scenario 'scenaro2'; known: scenario2; did you mean 'scenario2'?"),
    ("unknown case", ["table", "--case", "stres"],
     "{path}: unknown case 'stres'; known: average, stress; did you mean 'stress'?"),
    ("unknown stairs scenario", ["stairs", "checkout"],
     "{path}: unknown scenario 'checkout'; known: scenario2"),
    ("zero time scale", ["stairs", "scenario2", "--time-scale", "0"],
     "--time-scale: must be in 0.0001..1,000 (got '0')" + _STAIRS_HELP),
    ("fractional step", ["stairs", "scenario2", "--step-users", "2.5"],
     "--step-users: must be a whole number (got '2.5')" + _STAIRS_HELP),
    ("zero step", ["stairs", "scenario2", "--step-users", "0"],
     "--step-users: must be in 1..10,000,000 (got '0')" + _STAIRS_HELP),
    ("stair going down", ["stairs", "scenario2", "--start-users", "3000"],
     "{path}: scenario2: end users (2100) must be >= start users (3000)"),
    ("spawn rate too slow", ["stairs", "scenario2", "--spawn-rate", "1"],
     "{path}: scenario2: spawn_rate 1/s is too slow: adding 100 users takes 100 s, "
     "longer than a 60 s step"),
    ("missing stairs scenario", ["stairs"], "capacity stairs: the following arguments are "
     "required: SCENARIO (see 'capacity stairs --help')"),
]  # fmt: skip

# (test id, full arguments, expected message): mistakes before any scenarios file is read
BAD_COMMANDS = [
    ("no command", [], "capacity: the following arguments are required: COMMAND "
     "(see 'capacity --help')"),
    ("unknown command", ["tabel"], "COMMAND: invalid choice: 'tabel' "
     "(choose from 'table', 'what-if', 'instances', 'stairs'); did you mean 'table'?" + _TOP_HELP),
]  # fmt: skip


def _fails_with(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert (captured.out, captured.err) == ("", f"Error: {message}\n")


@pytest.mark.parametrize(
    ("old", "new", "message"), [case[1:] for case in BAD_YAML], ids=[c[0] for c in BAD_YAML]
)
def test_bad_scenarios_file_is_one_line_error(
    capsys: pytest.CaptureFixture[str],
    small_yaml: Callable[[str, str], str],
    old: str,
    new: str,
    message: str,
) -> None:
    """A broken scenarios file is reported with its path, field, value and what is allowed."""
    path = small_yaml(old, new)
    _fails_with(capsys, ["table", "--scenarios", path], f"{path}: {message}")


@pytest.mark.parametrize(
    ("text", "message"), [case[1:] for case in BAD_FILES], ids=[c[0] for c in BAD_FILES]
)
def test_unusable_scenarios_file_is_one_line_error(
    capsys: pytest.CaptureFixture[str], write_yaml: Callable[[str], str], text: str, message: str
) -> None:
    """An empty file or one that is not a mapping is reported with its path."""
    path = write_yaml(text)
    _fails_with(capsys, ["table", "--scenarios", path], f"{path}: {message}")


def test_missing_scenarios_file_is_one_line_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A scenarios path that does not exist is reported as such."""
    path = str(tmp_path / "missing.yaml")
    _fails_with(capsys, ["table", "--scenarios", path], f"{path}: no such file")


@pytest.mark.parametrize(
    ("args", "message"), [c[1:] for c in BAD_ARGUMENTS], ids=[c[0] for c in BAD_ARGUMENTS]
)
def test_bad_argument_is_one_line_error(
    capsys: pytest.CaptureFixture[str],
    small_yaml: Callable[[str, str], str],
    args: list[str],
    message: str,
) -> None:
    """A bad command-line value or name says which argument, what was given and what is allowed."""
    path = small_yaml("", "")
    _fails_with(capsys, [*args, "--scenarios", path], message.format(path=path))


@pytest.mark.parametrize(
    ("argv", "message"), [c[1:] for c in BAD_COMMANDS], ids=[c[0] for c in BAD_COMMANDS]
)
def test_bad_command_is_one_line_error(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    """A missing or misspelt command is a one-line usage error with a did-you-mean."""
    _fails_with(capsys, argv, message)
