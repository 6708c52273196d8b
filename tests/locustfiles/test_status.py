"""The live status line: TPS and MTT over the last seconds, the step and its state."""

from __future__ import annotations

from capacity.stairs import build_stairs
from stairload.loadgen.status import _Second, status_text, step_state

# 10 -> 30 users, +10 every 60 s at 1 user/s: step 1 0-70 s (ramp to 10 s, held a step
# longer), step 2 70-130 s (ramp to 80 s), step 3 130-190 s
STAIRS = build_stairs(
    start_users=10, end_users=30, step_users=10, step_seconds=60, hold_seconds=60, spawn_rate=1
)


def test_state_is_ramping_until_the_users_are_started():
    """Step 2 ramps 10 users at 1/s from 70 s: ramping at 75 s, measuring at 81 s."""
    step = STAIRS.steps[1]
    assert (step_state(STAIRS, step.start_s + 5), step_state(STAIRS, step.ramp_end_s + 1)) == (
        "ramping",
        "measuring",
    )


def test_tps_and_mtt_are_over_the_whole_window():
    """Seconds of 100 req at 10 ms and 300 req at 30 ms: TPS 200, MTT 25 ms (weighted)."""
    window = [_Second(100, 0, 100 * 10.0), _Second(300, 3, 300 * 30.0)]
    text = status_text(85, STAIRS, window, 20, 20, 100.0)
    assert "| TPS 200 MTT 25 ms errors 0.75% (last 2 s) |" in text


def test_line_names_step_state_and_time_left():
    """At 85 s: step 2/3 measuring, users 20/20, 1:40 left."""
    text = status_text(85, STAIRS, [_Second(10, 0, 10.0)], 20, 20, 100.0)
    assert text.startswith("[stairload] t=85s step 2/3 measuring | users 20/20 |")
    assert text.endswith("| 1:40 left")


def test_busy_generator_cpu_is_shown():
    """The busiest generator process's CPU appears when known."""
    text = status_text(85, STAIRS, [_Second(10, 0, 10.0)], 20, 20, 100.0, "97% (local)")
    assert "| generator CPU 97% (local) |" in text


def test_no_requests_shows_dashes():
    """A window without requests: TPS 0, MTT and errors '-'."""
    text = status_text(85, STAIRS, [_Second(0, 0, 0.0)], 20, 20, 100.0)
    assert "| TPS 0 MTT - errors - (last 1 s) |" in text


def test_an_open_runs_line_counts_journeys_started_and_dropped():
    """Open run: 20 then 22 journeys started a second, 3 dropped: '21.0/s, 3 dropped', the
    pool's busy users against its ceiling instead of planned users."""
    window = [_Second(100, 0, 1000.0, started=20), _Second(110, 0, 1100.0, started=22, dropped=3)]
    text = status_text(85, STAIRS, window, 7, 300, 100.0, open_run=True)
    assert "| journeys 21.0/s, 3 dropped | pool 7/300 | TPS 105 " in text
