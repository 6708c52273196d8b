"""``stairload``: one command whose help names every subcommand, each with help of its own."""

from __future__ import annotations

import subprocess
import sys

import pytest

from stairload.cli import SUBCOMMANDS, main


def test_help_lists_every_subcommand_with_its_line(capsys: pytest.CaptureFixture[str]) -> None:
    """``stairload --help`` prints one line per subcommand and exits 0."""
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: stairload ")
    for command in SUBCOMMANDS:
        assert f"  {command.name:<8}  {command.summary}" in out.splitlines()


@pytest.mark.parametrize("name", [command.name for command in SUBCOMMANDS])
def test_every_subcommand_has_help_of_its_own(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``stairload NAME --help`` exits 0 with a usage line that names ``stairload NAME``."""
    assert main([name, "--help"]) == 0
    assert capsys.readouterr().out.startswith(f"usage: stairload {name} ")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["rnu"],
            "Error: stairload: unknown command 'rnu' (choose from run, report, worker, "
            "scaleout, alarms, warmup, target, import); did you mean 'run'? "
            "(see 'stairload --help')",
        ),
        (
            ["stress"],
            "Error: stairload: unknown command 'stress' (choose from run, report, worker, "
            "scaleout, alarms, warmup, target, import) (see 'stairload --help')",
        ),
    ],
)
def test_an_unknown_subcommand_is_one_line_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A name that is no subcommand gets one line, with a did-you-mean when one is close."""
    assert main(argv) == 2
    assert capsys.readouterr().err.splitlines() == [message]


def test_no_subcommand_prints_the_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """``stairload`` alone says what it can do, on stderr, and exits 2 (nothing ran)."""
    assert main([]) == 2
    assert capsys.readouterr().err.startswith("usage: stairload ")


def test_python_dash_m_stairload_is_the_same_command() -> None:
    """``python -m stairload --version`` runs the same command as the console script."""
    result = subprocess.run(
        [sys.executable, "-m", "stairload", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout.startswith("stairload ")
