"""Issue 12, item 5: every bad input is one line, ``Error: ...``, exit 2, no traceback.

Each row is a command (its ``main``, run in-process), the scenarios file it reads (the
project's own with one edit), and the exact line it must print. Rows that need a big or
malicious file build it in ``_FILES``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from capacity.cli import main as capacity_main
from stairload.cli.alarms import main as alarms_main
from stairload.cli.importer import main as import_main
from stairload.cli.report import main as reports_main
from stairload.cli.run import main as stressrun_main
from stairload.cli.warmup import main as warmup_main

ROOT = Path(__file__).resolve().parents[1]
SOURCE = (ROOT / "scenarios.yaml").read_text(encoding="utf-8")
SEED_EVENT = ROOT / "tests" / "alarms" / "fixtures" / "seed_sns_event.json"

_MAINS: dict[str, Callable[[Sequence[str] | None], int]] = {
    "capacity": capacity_main,
    "stairload.run": stressrun_main,
    "reports": reports_main,
    "warmup": warmup_main,
    "alarms": alarms_main,
    "import": import_main,
}

# The alias bomb of the issue: nine levels of nine aliases, used in validated fields.
_BOMB_HEAD = "x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 9)
)


def _bomb(text: str) -> str:
    text = text.replace("    dau: 45000", "    dau: *a8")
    return _BOMB_HEAD + text.replace("service:\n", "service:\n  name: *a8\n", 1)


def _duplicate_scenario(text: str) -> str:
    block = text[text.index("  scenario3:") : text.index("\n# Alarms")]
    return text.replace(block, block + block.rstrip("\n") + "\n", 1)


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    position = -1
    for _ in range(occurrence):
        position = text.index(needle, position + 1)
    return text.count("\n", 0, position) + 1


_DUPLICATE = _duplicate_scenario(SOURCE)
_DUPLICATE_LINES = (_line_of(_DUPLICATE, "  scenario3:", 2), _line_of(_DUPLICATE, "  scenario3:"))


def _big_step(text: str) -> str:
    head, tail = text.split("  scenario2:", 1)
    stairs = "stairs: {step_users: 100, step_seconds: 60, hold_seconds: 300, spawn_rate: 100,"
    big = "stairs: {step_users: 100000, step_seconds: 60, hold_seconds: 300, spawn_rate: 100000,"
    assert stairs in tail
    return head + "  scenario2:" + tail.replace(stairs, big, 1)


def _renamed(name: str) -> Callable[[str], str]:
    return lambda text: text.replace("  scenario2:", f"  {name!r}:", 1)


_LONG_NAME = "s" * 300

# (id, command, argv ({scenarios} and {tmp} are filled in), edit of scenarios.yaml, message)
ROWS: list[tuple[str, str, list[str], Callable[[str], str] | None, str]] = [
    (
        "alias bomb",
        "capacity",
        ["table", "--scenarios", "{scenarios}"],
        _bomb,
        "{scenarios}: line 6, column 5: with its aliases expanded, this value holds more than "
        "100,000 values",
    ),
    (
        "duplicate key",
        "capacity",
        ["table", "--scenarios", "{scenarios}"],
        _duplicate_scenario,
        "{scenarios}: line "
        f"{_DUPLICATE_LINES[0]}: duplicate key 'scenario3' (first at line {_DUPLICATE_LINES[1]})",
    ),
    (
        "a literal CR/LF in a header value (capacity)",
        "capacity",
        ["table", "--scenarios", "{scenarios}"],
        lambda text: text.replace(
            'headers: &bearer {Authorization: "Bearer {token}"}',
            'headers: &bearer {Authorization: "Bearer {token}\\r\\nX-Evil: 1"}',
        ),
        "{scenarios}: scenarios.scenario1.headers.Authorization: a header value must not "
        "contain a line break or NUL (CR, LF or \\0) (got 'Bearer {{token}}\\r\\nX-Evil: 1')",
    ),
    (
        "a literal LF in a step's header value (stairload run)",
        "stairload.run",
        ["scenario3", "--scenarios", "{scenarios}", "--run-dir", "{tmp}/run"],
        lambda text: text.replace(
            "      - request: GET /trips/{trip_id}/plans\n",
            '      - request: GET /trips/{trip_id}/plans\n        headers: {X-Trace: "a\\nb"}\n',
            1,
        ),
        "{scenarios}: scenarios.scenario3.steps[3].headers.X-Trace: a header value must not "
        "contain a line break or NUL (CR, LF or \\0) (got 'a\\nb')",
    ),
    (
        "a literal LF in a step's header value (stairload warmup)",
        "warmup",
        ["--host", "http://127.0.0.1:9", "--scenario", "scenario3", "--scenarios", "{scenarios}"],
        lambda text: text.replace(
            "      - request: GET /trips/{trip_id}/plans\n",
            '      - request: GET /trips/{trip_id}/plans\n        headers: {X-Trace: "a\\nb"}\n',
            1,
        ),
        "{scenarios}: scenarios.scenario3.steps[3].headers.X-Trace: a header value must not "
        "contain a line break or NUL (CR, LF or \\0) (got 'a\\nb')",
    ),
    (
        "50 MB file",
        "capacity",
        ["table", "--scenarios", "{scenarios}"],
        lambda text: text + "#" * 50_000_000 + "\n",
        "{scenarios}: is larger than 1,000,000 bytes",
    ),
    (
        "what-if --dau 1e308",
        "capacity",
        ["what-if", "--dau", "1e308", "--scenarios", "{scenarios}"],
        None,
        "--dau: must be in 1..10,000,000,000 (got '1e308') (see 'capacity what-if --help')",
    ),
    (
        "dau: 1.0e+308",
        "capacity",
        ["table", "--scenarios", "{scenarios}"],
        lambda text: text.replace("dau: 45000", "dau: 1.0e+308"),
        "{scenarios}: cases.stress.dau: must be <= 10,000,000,000 (got 1e+308)",
    ),
    (
        "response_time_ms: 1e308",
        "capacity",
        ["table", "--scenarios", "{scenarios}"],
        lambda text: text.replace("response_time_ms: 500", "response_time_ms: 1e308"),
        "{scenarios}: service.response_time_ms: must be <= 3,600,000 (got 1e+308)",
    ),
    (
        "response_time_ms: 1e-320",
        "capacity",
        ["table", "--scenarios", "{scenarios}"],
        lambda text: text.replace("response_time_ms: 500", "response_time_ms: 1e-320"),
        "{scenarios}: service.response_time_ms: must be >= 1 (got 1e-320)",
    ),
    (
        "step_users above the stress VUser",
        "capacity",
        ["table", "--scenarios", "{scenarios}"],
        _big_step,
        "{scenarios}: scenarios.scenario2.stairs.step_users: must be <= the stress case's "
        "VUser (2,084) (got 100000)",
    ),
    (
        "scenario name with a path",
        "capacity",
        ["table", "--scenarios", "{scenarios}"],
        _renamed("../../../tmp/x"),
        "{scenarios}: scenarios: a name must be letters, digits, -, _ and . (not first), "
        "at most 64 characters (got '../../../tmp/x')",
    ),
    (
        "300-character scenario name",
        "capacity",
        ["table", "--scenarios", "{scenarios}"],
        _renamed(_LONG_NAME),
        "{scenarios}: scenarios: a name must be letters, digits, -, _ and . (not first), "
        f"at most 64 characters (got '{_LONG_NAME[:56]}...)",
    ),
    (
        "credentials in HOST (stressrun)",
        "stairload.run",
        ["scenario2", "--scenarios", "{scenarios}", "--host", "http://user:secret@127.0.0.1:9"],
        None,
        "--host: must not contain a user name or password (got 'http://***@127.0.0.1:9') "
        "(see 'stairload run --help')",
    ),
    (
        "credentials in HOST (warmup)",
        "warmup",
        ["--host", "http://user:secret@127.0.0.1:9", "--scenarios", "{scenarios}"],
        None,
        "--host: must not contain a user name or password (got 'http://***@127.0.0.1:9') "
        "(see 'stairload warmup --help')",
    ),
    (
        "--fail-exit-code 300 (stressrun)",
        "stairload.run",
        ["scenario2", "--scenarios", "{scenarios}", "--fail-exit-code", "300"],
        None,
        "--fail-exit-code: must be an integer in 0..255 (got '300') (see 'stairload run --help')",
    ),
    (
        "--fail-exit-code 300 (reports)",
        "reports",
        ["build", "{tmp}", "--fail-exit-code", "300"],
        None,
        "--fail-exit-code: must be an integer in 0..255 (got '300') "
        "(see 'stairload report build --help')",
    ),
    (
        "thresholds.regression.mtt_worse_pct: -5 (gate)",
        "reports",
        ["gate", "{tmp}", "{tmp}", "--scenarios", "{scenarios}"],
        lambda text: text.replace(
            "  error_rate: 0.01 ", "  regression: {mtt_worse_pct: -5}\n  error_rate: 0.01 ", 1
        ),
        "{scenarios}: thresholds.regression.mtt_worse_pct: must be >= 0 (got -5)",
    ),
    (
        "thresholds.regression unknown key (gate)",
        "reports",
        ["gate", "{tmp}", "{tmp}", "--scenarios", "{scenarios}"],
        lambda text: text.replace(
            "  error_rate: 0.01 ", "  regression: {tps_lower: 5}\n  error_rate: 0.01 ", 1
        ),
        "{scenarios}: thresholds.regression.tps_lower: unknown key; allowed: mtt_worse_pct, "
        "p95_worse_pct, tps_lower_pct, error_rate_points; did you mean 'tps_lower_pct'?",
    ),
    (
        "--tps-lower-pct 150 (gate)",
        "reports",
        ["gate", "{tmp}", "{tmp}", "--tps-lower-pct", "150"],
        None,
        "--tps-lower-pct: must be in 0..100 (got '150') (see 'stairload report gate --help')",
    ),
    (
        "a HAR that is not JSON (import)",
        "import",
        ["har", "{scenarios}", "--scenario", "recorded"],
        None,
        "{scenarios}: not JSON (line 1: Expecting value)",
    ),
    (
        "a HAR without log.entries (import)",
        "import",
        ["har", "{scenarios}", "--scenario", "recorded"],
        lambda text: '{"log": {"version": "1.2"}}',
        "{scenarios}: log.entries: missing (not a HAR file)",
    ),
    (
        "a HAR entry with a relative URL (import)",
        "import",
        ["har", "{scenarios}", "--scenario", "recorded"],
        lambda text: (
            '{"log": {"entries": [{"request": {"method": "GET", "url": "/trips"}, '
            '"response": {"status": 200}, "startedDateTime": "2026-01-01T00:00:00Z"}]}}'
        ),
        "{scenarios}: log.entries[0].request.url: must be an http(s) URL (got '/trips')",
    ),
    (
        "--origin without a scheme (import)",
        "import",
        ["har", "{scenarios}", "--scenario", "recorded", "--origin", "api.example.com"],
        None,
        "--origin: must be an http(s) URL such as http://127.0.0.1:8080 "
        "(got 'api.example.com') (see 'stairload import har --help')",
    ),
    (
        "a scenario name with a space (import)",
        "import",
        ["har", "{scenarios}", "--scenario", "my visit"],
        None,
        "--scenario: must be letters, digits, _ or - (got 'my visit') "
        "(see 'stairload import har --help')",
    ),
    (
        "a file:// webhook URL",
        "alarms",
        ["post-sns", str(SEED_EVENT)],
        None,
        "environment variable SLACK_WEBHOOK_URL: must be an http:// or https:// URL "
        "(got scheme 'file'); nothing was posted",
    ),
    (
        "a malformed webhook URL",
        "alarms",
        ["post-sns", str(SEED_EVENT), "--webhook-env", "BAD_HOOK"],
        None,
        "environment variable BAD_HOOK: is not a valid URL; nothing was posted",
    ),
    (
        "--time-scale 1e308",
        "stairload.run",
        ["scenario2", "--scenarios", "{scenarios}", "--time-scale", "1e308"],
        None,
        "--time-scale: must be in 0.0001..1,000 (got '1e308') (see 'stairload run --help')",
    ),
    (
        "--hold-seconds 1e308",
        "stairload.run",
        ["scenario2", "--scenarios", "{scenarios}", "--hold-seconds", "1e308"],
        None,
        "--hold-seconds: must be in 0.001..604,800 (got '1e308') (see 'stairload run --help')",
    ),
    (
        "--hold-seconds 0",
        "stairload.run",
        ["scenario2", "--scenarios", "{scenarios}", "--hold-seconds", "0"],
        None,
        "--hold-seconds: must be > 0: the last plateau (the stress step the verdict judges) is "
        "held this long, its ramp included; for a last step as long as the others give "
        "--hold-seconds equal to --step-seconds (got 0) (see 'stairload run --help')",
    ),
    (
        "--step-seconds for a one-plateau stair",
        "stairload.run",
        [
            "scenario2",
            "--scenarios",
            "{scenarios}",
            "--start-users",
            "1200",
            "--end-users",
            "1200",
            "--step-seconds",
            "30",
            "--no-probes",
        ],
        None,
        "--step-seconds: this stair has one plateau (1,200 start and end users), held "
        "--hold-seconds; give its length there (got 30)",
    ),
    (
        "--step-seconds for a constant run",
        "stairload.run",
        ["scenario2", "--scenarios", "{scenarios}", "--shape", "constant", "--step-seconds", "30"],
        None,
        "--step-seconds: a stair option, but --shape constant holds one plateau; give "
        "--duration-seconds (got 30)",
    ),
    (
        "--probe-users for a constant run",
        "stairload.run",
        ["scenario2", "--scenarios", "{scenarios}", "--shape", "constant", "--probe-users", "1,4"],
        None,
        "--probe-users: a stair option, but --shape constant holds one plateau (got 1,4)",
    ),
    (
        "--users for a stair",
        "stairload.run",
        ["scenario2", "--scenarios", "{scenarios}", "--users", "50"],
        None,
        "--users: only for --shape constant; a stair climbs from --start-users to --end-users "
        "over --step-seconds steps and a --hold-seconds hold (got 50)",
    ),
    (
        "RUN_DIR under a file",
        "stairload.run",
        ["scenario2", "--scenarios", "{scenarios}", "--run-dir", "{scenarios}/run"],
        None,
        "--run-dir: cannot create {scenarios}/run (Not a directory)",
    ),
    (
        "arrivals with a locustfile",
        "stairload.run",
        [
            "scenario3",
            "--scenarios",
            "{scenarios}",
            "--shape",
            "arrivals",
            "--locustfile",
            "locustfiles/stress.py",
        ],
        None,
        "--shape arrivals: runs the scenario's steps on a pool of users; a --locustfile's "
        "own user classes loop by themselves and cannot be pooled",
    ),
    (
        "arrivals end rate below start rate",
        "stairload.run",
        [
            "scenario3",
            "--scenarios",
            "{scenarios}",
            "--shape",
            "arrivals",
            "--start-rate",
            "5",
            "--end-rate",
            "2",
        ],
        None,
        "{scenarios}: scenario3: end rate (2/s) must be >= start rate (5/s)",
    ),
    (
        "arrivals kind unknown",
        "capacity",
        ["table", "--scenarios", "{scenarios}"],
        lambda text: text.replace("spawn_rate: 100,", "spawn_rate: 100, arrivals: burst,", 1),
        "{scenarios}: scenarios.scenario1.stairs.arrivals: must be one of 'even' or 'poisson' "
        "(got 'burst')",
    ),
    (
        "RUN_DIR in /proc",
        "stairload.run",
        ["scenario2", "--scenarios", "{scenarios}", "--run-dir", "/proc/stairload-run"],
        None,
        "--run-dir: cannot create /proc/stairload-run (No such file or directory)",
    ),
    (
        "HOST with a token in its query",
        "stairload.run",
        [
            "scenario2",
            "--scenarios",
            "{scenarios}",
            "--host",
            "http://127.0.0.1:9/?token=secret",
            "--run-dir",
            "{tmp}/run",
        ],
        None,
        "--host: must not carry a query string or fragment ('?...', '#...'): every request "
        "path would be appended after it, and it would be written to run.json and the "
        "reports; send a token as a header (scenarios.yaml headers:) (got "
        "'http://127.0.0.1:9/') (see 'stairload run --help')",
    ),
    (
        "JSON body nested 300 deep",
        "capacity",
        ["table", "--scenarios", "{scenarios}"],
        lambda text: text.replace(
            'json: {username: "user{user}", password: "password{user}"}',
            "json: " + "[" * 300 + "1" + "]" * 300,
            1,
        ),
        "{scenarios}: scenarios.scenario1.steps[0].json: nested 300 deep; at most 32 levels "
        "are allowed (got " + "[" * 57 + "...)",
    ),
]


@pytest.mark.parametrize(
    ("command", "argv", "edit", "message"),
    [pytest.param(*row[1:], id=row[0]) for row in ROWS],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    argv: list[str],
    edit: Callable[[str], str] | None,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The command prints exactly one Error line naming what is wrong, and exits 2."""
    monkeypatch.setenv("SLACK_WEBHOOK_URL", "file:///etc/secret-hook")
    monkeypatch.setenv("BAD_HOOK", "https://hooks.example:secret/services/T0")
    scenarios = tmp_path / "scenarios.yaml"
    scenarios.write_text(edit(SOURCE) if edit else SOURCE, encoding="utf-8")
    filled = [part.format(scenarios=scenarios, tmp=tmp_path) for part in argv]
    started = time.perf_counter()
    code = _MAINS[command](filled)
    elapsed = time.perf_counter() - started
    out = capsys.readouterr()
    assert (code, out.err) == (2, f"Error: {message.format(scenarios=scenarios)}\n")
    assert "secret" not in out.out + out.err
    assert elapsed < 5.0  # refused up front: no expansion, no full parse of a huge file
