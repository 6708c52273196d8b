"""``stairload alarms evaluate``: how one rule judges a series of datapoints, and why.

The series given is one evaluation range (oldest first, ``-`` for a missing datapoint).
One line per datapoint says how it was used; the last line is the resulting state,
``state: NAME``. It answers "why did this fire?" and is how the state machine is tested
against CloudWatch's published tables.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from stairload.alarms.config import Comparison, MissingData
from stairload.alarms.state import AlarmState, evaluate
from stairload.core.argtypes import number
from stairload.core.errors import UsageError

MAX_DATAPOINTS = 10_000


@dataclass(frozen=True)
class _Criteria:
    comparison: Comparison
    threshold: float
    evaluation_periods: int
    datapoints_to_alarm: int
    treat_missing_data: MissingData


def add_evaluate_command(commands: Any) -> None:
    """Add ``evaluate`` to the ``stairload alarms`` sub-commands."""
    text = "judge a series of datapoints with one rule (CloudWatch's evaluation range)"
    command = commands.add_parser("evaluate", help=text, description=text)
    command.add_argument("--threshold", type=number, required=True, help="the rule's threshold")
    command.add_argument(
        "--comparison",
        choices=[member.value for member in Comparison],
        required=True,
        help="CloudWatch comparison operator",
    )
    command.add_argument("--evaluation-periods", type=_whole, required=True, metavar="N", help="N")
    command.add_argument("--datapoints-to-alarm", type=_whole, metavar="M", help="M (default: N)")
    command.add_argument(
        "--treat-missing-data",
        choices=[member.value for member in MissingData],
        default=MissingData.MISSING.value,
        help="missing-data treatment (default: missing)",
    )
    command.add_argument(
        "--state",
        choices=[member.value for member in AlarmState],
        default=AlarmState.INSUFFICIENT_DATA.value,
        help="the state before this evaluation (default: INSUFFICIENT_DATA)",
    )
    command.add_argument(
        "--datapoints",
        type=_datapoints,
        required=True,
        metavar="V1,V2,...",
        help="the evaluation range, oldest first; '-' is a missing datapoint",
    )
    command.set_defaults(command=_evaluate)


def _evaluate(args: argparse.Namespace) -> int:
    n = args.evaluation_periods
    m = n if args.datapoints_to_alarm is None else args.datapoints_to_alarm
    if m > n:
        raise UsageError(f"--datapoints-to-alarm: must be <= --evaluation-periods ({n}) (got {m})")
    criteria = _Criteria(
        Comparison(args.comparison),
        args.threshold,
        n,
        m,
        MissingData(args.treat_missing_data),
    )
    current = AlarmState(args.state)
    result = evaluate(criteria, args.datapoints, current)
    print(
        f"rule: {criteria.comparison.symbol} {criteria.threshold:g} in {m} of {n}, "
        f"missing data: {criteria.treat_missing_data.value}, current state: {current.value}"
    )
    width = len(str(len(args.datapoints)))
    for index, (value, judgement) in enumerate(
        zip(args.datapoints, result.judgements, strict=True), start=1
    ):
        shown = "-" if value is None else f"{value:g}"
        print(f"{index:>{width}}  {shown:>8}  {judgement}")
    absent = result.missing - sum("filled" in j for j in result.judgements)
    if absent:
        print(f"{absent} period(s) before the series: absent, filled as missing (undecided)")
    print(f"why: {result.why}")
    print(f"state: {result.state.value}")
    return 0


def _whole(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number (got {text!r})") from None
    if not 1 <= value <= MAX_DATAPOINTS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_DATAPOINTS} (got {text})")
    return value


def _datapoints(text: str) -> list[float | None]:
    items = [item.strip() for item in text.split(",")]
    if len(items) > MAX_DATAPOINTS:
        raise argparse.ArgumentTypeError(f"at most {MAX_DATAPOINTS} datapoints (got {len(items)})")
    values: list[float | None] = []
    for position, item in enumerate(items, start=1):
        if item == "-":
            values.append(None)
            continue
        try:
            values.append(number(item))
        except argparse.ArgumentTypeError:
            raise argparse.ArgumentTypeError(
                f"datapoint {position} must be a finite number or '-' (got {item!r})"
            ) from None
    return values


def attach_datapoints(argv: Sequence[str]) -> list[str]:
    """``--datapoints -,-,10`` as ``--datapoints=-,-,10``: argparse takes a value that starts
    with '-' for an option, so a range whose oldest datapoint is missing (or negative)
    needs the ``=`` form; both forms are accepted."""
    joined: list[str] = []
    tokens = iter(argv)
    for token in tokens:
        if token == "--datapoints":
            value = next(tokens, None)
            if value is not None and value.startswith("-") and not value.startswith("--"):
                joined.append(f"{token}={value}")
                continue
            joined.append(token)
            if value is not None:
                joined.append(value)
            continue
        joined.append(token)
    return joined
