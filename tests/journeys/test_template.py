"""Templates: {var}, {var.field}, {func(args)}, typed lone values, no eval."""

from __future__ import annotations

import random

import pytest

from stairload.journeys.template import MissingVariable, TemplateError, compile_template

RNG = random.Random(7)


def test_a_variable_inside_text_is_replaced_by_its_text() -> None:
    """{var} in a string becomes the variable's text."""
    template = compile_template("/trips/{trip_id}/plans")
    assert template.render({"trip_id": 12}, RNG) == "/trips/12/plans"


def test_a_lone_variable_keeps_its_type() -> None:
    """A string that is exactly "{var}" gives the value itself (an int stays an int)."""
    assert compile_template("{trip_id}").value({"trip_id": 12}, RNG) == 12
    assert compile_template(" {trip_id}").value({"trip_id": 12}, RNG) == " 12"


def test_a_field_of_a_captured_object_is_read_with_a_dot() -> None:
    """{trip.id} reads the id field of a captured object."""
    template = compile_template("{trip.id}")
    assert template.value({"trip": {"id": 5, "days": 3}}, RNG) == 5


def test_random_int_stays_within_its_bounds_from_a_variable() -> None:
    """random_int(1, days) draws a whole number between 1 and the variable's value."""
    template = compile_template("{random_int(1, days)}")
    drawn = {template.value({"days": 3}, RNG) for _ in range(200)}
    assert drawn == {1, 2, 3}


def test_random_float_stays_within_its_bounds() -> None:
    """random_float(-0.2, 0.2) gives a float in that range."""
    template = compile_template("{random_float(-0.2, 0.2)}")
    drawn = [template.value({}, RNG) for _ in range(200)]
    assert all(isinstance(x, float) and -0.2 <= x <= 0.2 for x in drawn)


def test_uuid_is_fresh_at_every_use() -> None:
    """{uuid} is a new UUID each time it is rendered."""
    template = compile_template("{uuid}")
    first, second = template.render({}, RNG), template.render({}, RNG)
    assert len(first) == 36 and first != second


def test_double_braces_are_literal_braces() -> None:
    """{{ and }} stand for { and }."""
    assert compile_template("{{not a var}}").render({}, RNG) == "{not a var}"


def test_booleans_render_as_json_words() -> None:
    """A captured true renders as 'true' in text, as in the JSON it came from."""
    assert compile_template("done={done}").render({"done": True}, RNG) == "done=true"


def test_the_variables_a_template_reads_are_listed() -> None:
    """The parser reports every variable read, including function arguments."""
    template = compile_template("{a}-{b.c}-{random_int(1, d)}-{uuid}")
    assert template.variables == {"a", "b", "d", "uuid"}


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("{__import__('os')}", "unknown function '__import__'"),
        ("{1 + 2}", "is neither a variable nor a function call"),
        ("{random_int(1, 2, 3)}", "random_int() takes 2 arguments, got 3"),
        ("{random_int(1, 'x')}", "argument ''x'' must be a number or a variable name"),
        ("a}", "'}' without '{'"),
    ],
)
def test_anything_but_the_grammar_is_refused(source: str, problem: str) -> None:
    """Expressions outside the small grammar are parse errors, never evaluated."""
    with pytest.raises(TemplateError) as caught:
        compile_template(source)
    assert problem in str(caught.value)


def test_a_missing_value_at_render_time_names_the_variable() -> None:
    """Rendering without the variable raises MissingVariable naming it."""
    with pytest.raises(MissingVariable, match="variable 'trip_id' has no value"):
        compile_template("/trips/{trip_id}").render({}, RNG)
