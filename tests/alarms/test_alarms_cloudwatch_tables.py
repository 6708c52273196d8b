"""The CloudWatch user guide's two published tables, run through ``stairload alarms evaluate``.

Source: Amazon CloudWatch User Guide, "Using Amazon CloudWatch alarms", section "How
alarm state is evaluated when data is missing". Five datapoints in the evaluation range,
oldest first: ``0`` within the threshold, ``X`` breaching, ``-`` missing. Each row gives
the state for the treatments missing, ignore, breaching and notBreaching; ``keep`` is the
guide's "Retain current state", checked from both OK and ALARM.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from stairload.cli.alarms import main

_TREATMENTS = ("missing", "ignore", "breaching", "notBreaching")

# (datapoints_to_alarm, datapoints, states for missing / ignore / breaching / notBreaching)
_TABLE_3_OF_3 = [
    (3, "0 - X - X", ("OK", "OK", "OK", "OK")),
    (3, "0 - - - -", ("OK", "OK", "OK", "OK")),
    (3, "- - - - -", ("INSUFFICIENT_DATA", "keep", "ALARM", "OK")),
    (3, "0 X X - X", ("ALARM", "ALARM", "ALARM", "ALARM")),
    (3, "- - - - X", ("INSUFFICIENT_DATA", "keep", "ALARM", "OK")),
    (3, "X - - - -", ("ALARM", "keep", "ALARM", "OK")),
]
_TABLE_2_OF_3 = [
    (2, "0 - X - X", ("ALARM", "ALARM", "ALARM", "ALARM")),
    (2, "0 0 X 0 X", ("ALARM", "ALARM", "ALARM", "ALARM")),
    (2, "0 - X - -", ("OK", "OK", "ALARM", "OK")),
    (2, "- - - - 0", ("OK", "OK", "ALARM", "OK")),
    (2, "- - - - X", ("INSUFFICIENT_DATA", "keep", "ALARM", "OK")),
]


def _cases() -> list[tuple[int, str, str, str, str]]:
    cases = []
    for m, datapoints, states in _TABLE_3_OF_3 + _TABLE_2_OF_3:
        for treatment, state in zip(_TREATMENTS, states, strict=True):
            starts = ("OK", "ALARM") if treatment == "ignore" else ("INSUFFICIENT_DATA",)
            for start in starts:
                expected = start if state == "keep" else state
                cases.append((m, datapoints, treatment, start, expected))
    return cases


def _argv(m: int, datapoints: str, treatment: str, start: str) -> list[str]:
    values = ",".join({"0": "0", "X": "5", "-": "-"}[c] for c in datapoints.split())
    return [
        "evaluate",
        "--threshold=1",
        "--comparison=GreaterThanOrEqualToThreshold",
        "--evaluation-periods=3",
        f"--datapoints-to-alarm={m}",
        f"--treat-missing-data={treatment}",
        f"--state={start}",
        f"--datapoints={values}",
    ]


def test_the_tables_hold_44_published_cells() -> None:
    """Eleven rows of four treatments: 44 cells, ignore checked from two states."""
    cells = len(_TABLE_3_OF_3 + _TABLE_2_OF_3) * len(_TREATMENTS)
    assert cells == 44
    assert len(_cases()) == 44 + 11


@pytest.mark.parametrize(("m", "datapoints", "treatment", "start", "expected"), _cases())
def test_published_case(
    capsys: pytest.CaptureFixture[str],
    m: int,
    datapoints: str,
    treatment: str,
    start: str,
    expected: str,
) -> None:
    """The last line of ``evaluate`` is the state the CloudWatch guide publishes."""
    assert main(_argv(m, datapoints, treatment, start)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == f"state: {expected}"
    assert len(lines) == 1 + 5 + 2


def test_the_module_entry_point_prints_the_same() -> None:
    """``stairload alarms evaluate`` in a real process gives the guide's sixth row."""
    completed = subprocess.run(
        [sys.executable, "-m", "stairload", "alarms", *_argv(3, "X - - - -", "missing", "OK")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines()[-1] == "state: ALARM"
