"""Command-line argument types shared by every CLI; each error says what is allowed and what came.

Each type is a function from the argument's text to its value that raises
``argparse.ArgumentTypeError``; ``stairload.core.commandline.Parser`` prefixes the option's name.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from stairload.core.errors import shown_limit
from stairload.core.urls import url_problem


def number(text: str) -> float:
    """A finite real number (inf and nan are refused)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number (got {text!r})") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number (got {text!r})")
    return value


def positive(text: str) -> float:
    """A finite number above zero."""
    value = number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0 (got {text})")
    return value


def whole(minimum: int) -> Callable[[str], int]:
    """A whole number of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number (got {text!r})") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be >= {minimum} (got {text})")
        return value

    return parse


def bounded(kind: type[int] | type[float], low: float, high: float) -> Callable[[str], float]:
    """A number of ``kind`` (int or float) in ``low..high``, both included; inf and nan refused."""

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except (ValueError, OverflowError):
            what = "a whole number" if kind is int else "a number"
            raise argparse.ArgumentTypeError(f"must be {what} (got {text!r})") from None
        if not (math.isfinite(value) and low <= value <= high):
            raise argparse.ArgumentTypeError(
                f"must be in {shown_limit(low)}..{shown_limit(high)} (got {text!r})"
            )
        return value

    return parse


def base_url(text: str) -> str:
    """An http:// or https:// URL with a host; returned without a trailing slash."""
    problem = url_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text.rstrip("/")


def whole_in(low: int, high: int) -> Callable[[str], int]:
    """A whole number in ``low..high``, both included."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be an integer in {low}..{high} (got {text!r})")
        return value

    return parse


exit_code = whole_in(0, 255)
"""An exit code a shell can see (0..255): ``--fail-exit-code 300`` would arrive as 44."""
