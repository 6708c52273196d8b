"""stairload.core.exitcodes: one table of exit codes and run endings, one meaning per number."""

from __future__ import annotations

import pytest

from stairload.cli.warmup import main as warmup_main
from stairload.core import exitcodes
from stairload.core.exitcodes import ENDINGS, ExitReason
from stairload.rundir import ExitReason as FormatExitReason

_NAMED = {
    name: value
    for name, value in vars(exitcodes).items()
    if name.isupper() and isinstance(value, int) and not name.startswith("_")
}


def test_every_named_code_has_exactly_one_row() -> None:
    """Each exitcodes.NAME is the code of one row, and no two rows share a code."""
    codes = [ending.code for ending in ENDINGS if ending.code is not None]
    assert len(codes) == len(set(codes))
    assert sorted(_NAMED.values()) == sorted(codes)


def test_every_exit_reason_has_exactly_one_row() -> None:
    """Each run.json exit_reason is the reason of one row, with a code or a report note."""
    reasons = [ending.reason for ending in ENDINGS if ending.reason is not None]
    assert sorted(reasons) == sorted(ExitReason)
    for ending in ENDINGS:
        if ending.reason is not None and ending.reason != ExitReason.COMPLETED:
            assert ending.note, ending


def test_warmups_own_codes_mean_nothing_else() -> None:
    """stairload warmup's own codes are numbers no other command exits with."""
    own = {ending.code for ending in ENDINGS if ending.command == "warmup"}
    shared = {ending.code for ending in ENDINGS if ending.command == ""}
    assert own == {exitcodes.WARMUP_COMPLETION_FAILED, exitcodes.WARMUP_TOO_MANY_ERRORS}
    assert not own & shared


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        (ExitReason.COMPLETED, 0),
        (ExitReason.TARGET_UNREACHABLE, 3),
        (ExitReason.ERROR, 4),
        (ExitReason.ABORTED, 97),
        (ExitReason.INTERRUPTED, 130),
        (ExitReason.TERMINATED, 143),
    ],
)
def test_a_runs_reason_gives_its_code(reason: ExitReason, code: int) -> None:
    """The code a run exits with for each reason that has one."""
    assert exitcodes.code_of(reason) == code


def test_a_killed_run_has_no_code_of_its_own() -> None:
    """runner_lost, starting and running are written by a run that never exited itself."""
    for reason in (ExitReason.RUNNER_LOST, ExitReason.STARTING, ExitReason.RUNNING):
        with pytest.raises(ValueError, match="exits with no code of its own"):
            exitcodes.code_of(reason)


def test_the_run_directory_format_names_the_same_enum() -> None:
    """stairload.rundir's ExitReason is the table's (run.json's exit_reason)."""
    assert FormatExitReason is ExitReason


def test_warmup_help_lists_its_exit_codes_from_the_table(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``stairload warmup --help`` ends with its exit codes, warmup's own in the table's words."""
    assert warmup_main(["--help"]) == 0
    out = capsys.readouterr().out
    codes = out[out.index("exit codes:") :].splitlines()
    assert codes == [
        "exit codes:",
        "    0  warm (and marked warm with --complete-path)",
        "    2  bad option or scenarios.yaml",
        "    3  health never answered 200 or 503",
        "    5  the completion call did not answer 200",
        "    6  the error rate went past --max-error-rate (completion not called)",
        "  130  interrupted (Ctrl-C); not marked warm",
    ]
