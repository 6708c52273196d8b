"""The capacity CLI run in-process: each command's exact output lines, formats and help."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from capacity.cli import main

COMMANDS = ("table", "what-if", "instances", "stairs")
README = Path(__file__).resolve().parents[2] / "README.md"

# (arguments, one exact line of the output)
LINES = [
    (["table"], "average: DAU 25,000; peak rate 2 x safety factor 2; response time 500 ms"),
    (["table"], "scenario   avg RPS  peak RPS  VUser exact  VUser    TPS"),
    (["table"], "scenario1    2.170     8.681        497.7    500  1,000"),
    (["table"], "scenario2    5.353    21.412      1,157.4  1,200  2,400"),
    (["table"], "scenario3    3.328    13.310         15.6     20     40"),
    (["table"], "stress: DAU 45,000; peak rate 2 x safety factor 2; response time 500 ms"),
    (["table"], "scenario1    3.906    15.625        895.8    900  1,800"),
    (["table"], "scenario2    9.635    38.542      2,083.3  2,100  4,200"),
    (["table"], "scenario3    5.990    23.958         28.1     30     60"),
    (
        ["table", "--format", "markdown", "--case", "stress"],
        "| scenario2 | 9.635 | 38.542 | 2,083.3 | 2,100 | 4,200 |",
    ),
    (
        ["table", "--format", "csv", "--scenario", "scenario3"],
        "average,25000.0,2.0,2.0,500.0,86400.0,scenario3,11.5,13.5,287500.0,"
        "3.3275462962962963,13.310185185185185,15.625,20,40.0,10",
    ),
    (["what-if", "--dau", "45000"], "scenario2    9.635    38.542      2,083.3  2,100  4,200"),
    (
        ["what-if", "--growth", "80"],
        "what-if: DAU 45,000; peak rate 2 x safety factor 2; response time 500 ms",
    ),
    (["what-if", "--growth", "80"], "scenario1    3.906    15.625        895.8    900  1,800"),
    (["what-if", "--growth", "80"], "growth 80%: average DAU 25,000 x 1.8 = 45,000"),
    (
        ["what-if", "--dau", "60000", "--scenario", "scenario2"],
        "scenario2   12.847    51.389      2,777.8  2,800  5,600",
    ),
    (
        ["what-if", "--dau", "45000", "--peak-rate", "3", "--safety-factor", "1.5"],
        "scenario1    3.906    17.578      1,007.8  1,100  2,200",
    ),
    (
        ["what-if", "--dau", "45000", "--response-ms", "250", "--scenario", "scenario2"],
        "scenario2    9.635    38.542      2,083.3  2,100  8,400",
    ),
    (
        ["what-if", "--dau", "45000", "--scenario", "scenario2", "--explain"],
        "  daily_requests = dau x R = 45,000 x 18.5 = 832,500",
    ),
    (
        ["what-if", "--dau", "45000", "--scenario", "scenario2", "--explain"],
        "  avg_rps        = daily_requests / seconds_per_day = 832,500 / 86,400 = 9.635",
    ),
    (
        ["what-if", "--dau", "45000", "--scenario", "scenario2", "--explain"],
        "  vusers         = 2,083.3 rounded up to a multiple of 100 = 2,100  (whole stair steps)",
    ),
    (
        ["what-if", "--dau", "45000", "--scenario", "scenario2", "--explain"],
        "  target_tps     = vusers / response time = 2,100 / 0.5 s = 4,200  (closed model)",
    ),
    (
        ["what-if", "--dau", "25000", "--explain"],
        "Note: the seed's table says 510 VUser for scenario 1 (average) because the blog rounded "
        "its average RPS to 2.2 before multiplying; unrounded, 497.7 rounds up to 500.",
    ),
    (
        ["stairs", "scenario2"],
        "scenario2: 1,200 -> 2,100 users, +100 every 60 s, hold 300 s, spawn rate 100 users/s",
    ),
    (["stairs", "scenario2"], "  p1        0        0.01   30.01      1"),
    (["stairs", "scenario2"], "  p5   120.64      122.56  152.56    256"),
    (["stairs", "scenario2"], "p1..p5: probe steps below the plan"),
    (["stairs", "scenario2"], "total duration: 1,002 s (16 min 42 s)"),
    (["stairs", "scenario2", "--no-probes"], "step  start s  ramp end s  end s  users"),
    (["stairs", "scenario2", "--no-probes"], "   1        0          12     72  1,200"),
    (["stairs", "scenario2", "--no-probes"], "  10      552         553    852  2,100"),
    (["stairs", "scenario2", "--no-probes"], "total duration: 852 s (14 min 12 s)"),
    (
        ["stairs", "scenario2", "--time-scale", "0.05", "--users-scale", "0.01", "--no-probes"],
        "   2      3.6        3.65    6.6     13",
    ),
    (
        ["stairs", "scenario2", "--time-scale", "0.05", "--users-scale", "0.01", "--no-probes"],
        "total duration: 42.6 s",
    ),
    (
        ["stairs", "scenario2", "--step-users", "300", "--hold-seconds", "60", "--no-probes"],
        "   4      192         195    252  2,100",
    ),
]


def _stdout(capsys: pytest.CaptureFixture[str], args: list[str], scenarios: str) -> str:
    assert main([*args, "--scenarios", scenarios]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    return captured.out


@pytest.mark.parametrize(("args", "line"), LINES, ids=[" ".join(args) for args, _ in LINES])
def test_command_prints_the_expected_line(
    capsys: pytest.CaptureFixture[str], repo_scenarios: str, args: list[str], line: str
) -> None:
    """The command's output holds this exact line."""
    assert line in _stdout(capsys, args, repo_scenarios).splitlines()


def test_what_if_json_follows_the_contract(
    capsys: pytest.CaptureFixture[str], repo_scenarios: str
) -> None:
    """what-if --format json gives the inputs and one full-precision object per scenario."""
    args = ["what-if", "--dau", "45000", "--scenario", "scenario2", "--format", "json"]
    document = json.loads(_stdout(capsys, args, repo_scenarios))
    assert document == {
        "inputs": {
            "dau": 45000,
            "peak_rate": 2,
            "safety_factor": 2,
            "response_time_ms": 500,
            "seconds_per_day": 86400,
        },
        "scenarios": [
            {
                "name": "scenario2",
                "requests_per_user_per_day": 18.5,
                "journey_seconds": 1000,
                "daily_requests": 832500,
                "avg_rps": pytest.approx(832500 / 86400, rel=1e-15),
                "peak_rps": pytest.approx(832500 / 86400 * 4, rel=1e-15),
                "vusers_exact": pytest.approx(6250 / 3, rel=1e-15),
                "vusers": 2100,
                "target_tps": 4200,
            }
        ],
    }


def test_growth_80_means_the_start_case_dau_times_1_8(
    capsys: pytest.CaptureFixture[str], repo_scenarios: str
) -> None:
    """--growth 80 plans at 25,000 x 1.8 = 45,000 DAU exactly."""
    args = ["what-if", "--growth", "80", "--format", "json"]
    assert json.loads(_stdout(capsys, args, repo_scenarios))["inputs"]["dau"] == 45000.0


def test_table_json_lists_every_case_with_its_inputs(
    capsys: pytest.CaptureFixture[str], repo_scenarios: str
) -> None:
    """table --format json has one entry per case, each with inputs and three scenarios."""
    cases = json.loads(_stdout(capsys, ["table", "--format", "json"], repo_scenarios))["cases"]
    assert [(case["name"], case["inputs"]["dau"]) for case in cases] == [
        ("average", 25000),
        ("stress", 45000),
    ]
    assert [len(case["scenarios"]) for case in cases] == [3, 3]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(capsys: pytest.CaptureFixture[str], command: str) -> None:
    """`capacity COMMAND --help` prints its usage and exits 0."""
    assert main([command, "--help"]) == 0
    assert capsys.readouterr().out.startswith(f"usage: capacity {command} ")


def test_top_level_help_lists_exactly_the_tested_commands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`capacity --help` names every command, and the help test above covers them all."""
    assert main(["--help"]) == 0
    lines = capsys.readouterr().out.splitlines()
    # Command names sit at four spaces (argparse puts a long one's help on the next line).
    listed = [line.split()[0] for line in lines if line[:4] == "    " and line[4] != " "]
    assert tuple(listed) == COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_shows_every_command(command: str) -> None:
    """The README shows each command in a terminal session."""
    assert f"capacity {command}" in README.read_text(encoding="utf-8")
