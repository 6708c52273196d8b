"""core.models: a pydantic ValidationError read as one line naming file, field and value."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import pytest
from pydantic import ValidationError, model_validator

from stairload.core.errors import ConfigError
from stairload.core.models import (
    IncreasingWholes,
    Keys,
    Number,
    OneOf,
    StrictModel,
    Text,
    Whole,
    config_error,
    problem,
    validated,
)


class Colour(StrEnum):
    RED = "red"
    GREEN = "green"


class Range(StrictModel):
    low: Annotated[float, Number(minimum=0, inclusive=True)]
    high: Annotated[float, Number(maximum=1_000_000)]

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.low <= self.high:
            return self
        raise problem(f"must be >= low ({self.low:g})", at=("high",), got=self.high)


class Item(StrictModel):
    name: Annotated[str, Text()]
    count: Annotated[int, Whole(maximum=10, why=" (ten at most)")] = 1
    colour: Annotated[Colour, OneOf()] = Colour.RED
    sizes: Annotated[tuple[int, ...], IncreasingWholes()] = ()
    ranges: list[Range] = []  # noqa: RUF012 (pydantic copies a default)


class Shop(StrictModel):
    items: Annotated[dict[str, Item], Keys("item")]
    open: bool = True


def _message(raw: Any) -> str:
    with pytest.raises(ConfigError) as caught:
        validated(Shop, raw, "shop.yaml", "shop")
    return str(caught.value)


def test_a_real_validation_error_becomes_one_line() -> None:
    """The converter takes pydantic's own error and says file, field path, problem and value."""
    with pytest.raises(ValidationError) as caught:
        Shop.model_validate({"items": {"pen": {"name": "pen", "count": 2.5}}})
    error = config_error(caught.value, Shop, "shop.yaml", "shop")
    assert str(error) == "shop.yaml: shop.items.pen.count: must be a whole number (got 2.5)"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("text", "shop: must be a mapping (got 'text')"),
        ({}, "shop.items: is required"),
        ({"items": {}}, "shop.items: must name at least one item"),
        ({"items": {1: {"name": "x"}}}, "shop.items.1: name must be text (got 1)"),
        (
            {"items": {"pen": {"name": " "}}},
            "shop.items.pen.name: must be a non-empty string (got ' ')",
        ),
        (
            {"items": {"pen": {"name": "p", "count": 0}}},
            "shop.items.pen.count: must be >= 1 (got 0)",
        ),
        (
            {"items": {"pen": {"name": "p", "count": 11}}},
            "shop.items.pen.count: must be <= 10 (ten at most) (got 11)",
        ),
        (
            {"items": {"pen": {"name": "p", "colour": "gren"}}},
            "shop.items.pen.colour: must be one of red, green; did you mean 'green'? (got 'gren')",
        ),
        (
            {"items": {"pen": {"name": "p", "sizes": [2, 2]}}},
            "shop.items.pen.sizes[1]: must be above the one before it (got 2)",
        ),
        (
            {"items": {"pen": {"name": "p", "ranges": [{"low": 1, "high": True}]}}},
            "shop.items.pen.ranges[0].high: must be a number (got True)",
        ),
        (
            {"items": {"pen": {"name": "p", "ranges": [{"low": -1, "high": 2}]}}},
            "shop.items.pen.ranges[0].low: must be >= 0 (got -1)",
        ),
        (
            {"items": {"pen": {"name": "p", "ranges": [{"low": 0, "high": float("inf")}]}}},
            "shop.items.pen.ranges[0].high: must be a finite number (got inf)",
        ),
        (
            {"items": {"pen": {"name": "p", "ranges": [{"low": 0, "high": 1e9}]}}},
            "shop.items.pen.ranges[0].high: must be <= 1,000,000 (got 1000000000.0)",
        ),
        (
            {"items": {"pen": {"name": "p", "ranges": [{"low": 5, "high": 2}]}}},
            "shop.items.pen.ranges[0].high: must be >= low (5) (got 2.0)",
        ),
        (
            {"items": {"pen": {"name": "p"}}, "open": "yes"},
            "shop.open: must be true or false (got 'yes')",
        ),
    ],
)
def test_each_mistake_names_field_problem_and_value(raw: Any, message: str) -> None:
    """Every kind of mistake reads ``file: field.path: problem (got value)``."""
    assert _message(raw) == f"shop.yaml: {message}"


def test_an_unknown_key_lists_the_allowed_ones_with_a_did_you_mean() -> None:
    """A misspelt key names the keys of its own mapping and the closest one."""
    assert _message({"items": {"pen": {"name": "p", "colur": "red"}}}) == (
        "shop.yaml: shop.items.pen.colur: unknown key; "
        "allowed: name, count, colour, sizes, ranges; did you mean 'colour'?"
    )


def test_an_unknown_key_is_reported_before_the_values_of_its_mapping() -> None:
    """A misspelt required key is the mistake, not the key it leaves missing."""
    assert _message({"itms": {}}) == (
        "shop.yaml: shop.itms: unknown key; allowed: items, open; did you mean 'items'?"
    )


def test_null_reads_as_absent() -> None:
    """A key set to null takes its default, and a required one is reported as required."""
    shop = validated(Shop, {"items": {"pen": {"name": "p", "count": None}}, "open": None}, "s")
    assert (shop.items["pen"].count, shop.open) == (1, True)
    assert _message({"items": None}) == "shop.yaml: shop.items: is required"


def test_a_long_value_is_cut_short() -> None:
    """A value longer than a line's worth is shown cut, ending in an ellipsis."""
    message = _message({"items": {"pen": {"name": "p", "colour": "x" * 200}}})
    assert message.endswith("(got '" + "x" * 56 + "...)")


def test_without_a_prefix_the_top_level_is_named() -> None:
    """A document that is not a mapping says so about its top level."""
    with pytest.raises(ConfigError) as caught:
        validated(Shop, [1], "shop.yaml")
    assert str(caught.value) == "shop.yaml: (top level): must be a mapping (got [1])"
