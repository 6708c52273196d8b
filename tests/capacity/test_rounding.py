"""A plan inflated by more than half through rounding to whole steps is flagged on stderr."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from capacity.cli import main
from capacity.rounding import suggested_step


@pytest.mark.parametrize(
    ("vusers_exact", "step"), [(6.2, 2), (1157.4, 500), (0.4, 1), (15.6, 20), (28.1, 20)]
)
def test_the_suggested_step_rounds_up_by_at_most_half(vusers_exact: float, step: int) -> None:
    """The largest 1-2-5 step whose rounding adds at most 50% (6.2 VUser: step 2, 8 users)."""
    assert suggested_step(vusers_exact) == step


def test_an_inflating_step_is_one_warning_line_with_a_better_step(
    small_yaml: Callable[[str, str], str], capsys: pytest.CaptureFixture[str]
) -> None:
    """step_users 1000 turns 1,157.4 VUser into 2,000: stderr says so and suggests 500."""
    path = small_yaml("step_users: 100,", "step_users: 1000,")
    assert main(["table", "--scenarios", path]) == 0
    err = capsys.readouterr().err
    assert err == (
        f"Warning: {path}: scenarios.scenario2.stairs.step_users: the average case needs "
        "1157.4 VUser, rounded up to 2,000 whole steps of 1,000 (+73%); "
        "step_users: 500 would plan 1,500\n"
    )


def test_a_plan_close_to_whole_steps_prints_no_warning(
    repo_scenarios: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The trip planner's plan (1,157.4 -> 1,200) goes without a warning."""
    assert main(["table", "--scenarios", repo_scenarios]) == 0
    assert capsys.readouterr().err == ""
