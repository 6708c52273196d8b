"""JMESPath expressions turned into Python closures once, for the load generator's CPU.

``jmespath``'s tree interpreter walks the AST on every search (several microseconds per
check). The node types journeys use most (fields, sub-expressions, indexes, projections,
comparisons, ``&&``/``||``/``!``, literals, and the ``var``, ``type`` and ``length``
functions) are compiled here into closures with the interpreter's own semantics; any
other expression falls back to ``jmespath``'s ``search`` as a whole. Tests compare both
on a table of expressions and documents.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jmespath.parser import ParsedResult
from jmespath.visitor import Options, _equals, _is_comparable

# (document, variables, search options) -> result
Search = Callable[[Any, Any, Options], Any]

_ORDER = {
    "lt": lambda left, right: left < right,
    "gt": lambda left, right: left > right,
    "lte": lambda left, right: left <= right,
    "gte": lambda left, right: left >= right,
}


class _Unsupported(Exception):
    """A node type this module leaves to jmespath's interpreter."""


def compile_search(expression: ParsedResult) -> Search:
    """A closure computing ``expression.search(document, options)``, fast where it can."""
    try:
        return _node(expression.parsed)
    except _Unsupported:
        return lambda document, _values, options: expression.search(document, options)


def _node(node: dict[str, Any]) -> Search:
    kind = node["type"]
    builder = _BUILDERS.get(kind)
    if builder is None:
        raise _Unsupported(kind)
    return builder(node)


def _field(node: dict[str, Any]) -> Search:
    key = node["value"]

    def field(document: Any, _values: Any, _options: Options) -> Any:
        return document.get(key) if type(document) is dict else None

    return field


def _chain(node: dict[str, Any]) -> Search:
    links = [_node(child) for child in node["children"]]
    if len(links) == 2:
        first, second = links

        def pair(document: Any, values: Any, options: Options) -> Any:
            return second(first(document, values, options), values, options)

        return pair

    def chain(document: Any, values: Any, options: Options) -> Any:
        for link in links:
            document = link(document, values, options)
        return document

    return chain


def _index(node: dict[str, Any]) -> Search:
    position = node["value"]

    def index(document: Any, _values: Any, _options: Options) -> Any:
        if not isinstance(document, list):
            return None
        try:
            return document[position]
        except IndexError:
            return None

    return index


def _literal(node: dict[str, Any]) -> Search:
    value = node["value"]
    return lambda _document, _values, _options: value


def _current(_node_: dict[str, Any]) -> Search:
    return lambda document, _values, _options: document


def _flatten(node: dict[str, Any]) -> Search:
    inner = _node(node["children"][0])

    def flatten(document: Any, values: Any, options: Options) -> Any:
        base = inner(document, values, options)
        if not isinstance(base, list):
            return None
        merged: list[Any] = []
        for element in base:
            if isinstance(element, list):
                merged.extend(element)
            else:
                merged.append(element)
        return merged

    return flatten


def _projection(node: dict[str, Any]) -> Search:
    left, right = (_node(child) for child in node["children"])

    def projection(document: Any, values: Any, options: Options) -> Any:
        base = left(document, values, options)
        if not isinstance(base, list):
            return None
        collected = []
        for element in base:
            current = right(element, values, options)
            if current is not None:
                collected.append(current)
        return collected

    return projection


def _comparator(node: dict[str, Any]) -> Search:
    left, right = (_node(child) for child in node["children"])
    operation = node["value"]
    if operation == "eq":
        return lambda document, values, options: _equals(
            left(document, values, options), right(document, values, options)
        )
    if operation == "ne":
        return lambda document, values, options: (
            not _equals(left(document, values, options), right(document, values, options))
        )
    order = _ORDER[operation]

    def compare(document: Any, values: Any, options: Options) -> Any:
        first, second = left(document, values, options), right(document, values, options)
        if not (_is_comparable(first) and _is_comparable(second)):
            return None
        return order(first, second)

    return compare


def _is_false(value: Any) -> bool:
    return value == "" or value == [] or value == {} or value is None or value is False


def _and(node: dict[str, Any]) -> Search:
    left, right = (_node(child) for child in node["children"])

    def both(document: Any, values: Any, options: Options) -> Any:
        matched = left(document, values, options)
        return matched if _is_false(matched) else right(document, values, options)

    return both


def _or(node: dict[str, Any]) -> Search:
    left, right = (_node(child) for child in node["children"])

    def either(document: Any, values: Any, options: Options) -> Any:
        matched = left(document, values, options)
        return right(document, values, options) if _is_false(matched) else matched

    return either


def _not(node: dict[str, Any]) -> Search:
    inner = _node(node["children"][0])

    def negate(document: Any, values: Any, options: Options) -> Any:
        result = inner(document, values, options)
        if type(result) in (int, float) and result == 0:
            return False
        return not result

    return negate


def _function(node: dict[str, Any]) -> Search:
    name, children = node["value"], node["children"]
    if name == "var" and len(children) == 1 and children[0]["type"] == "literal":
        variable = children[0]["value"]
        return lambda _document, values, _options: values.get(variable)
    if name == "type" and len(children) == 1:
        argument = _node(children[0])
        return lambda document, values, options: _type_name(argument(document, values, options))
    raise _Unsupported(f"function {name}")


def _type_name(value: Any) -> str:
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    if value is None:
        return "null"
    return "number"


_BUILDERS: dict[str, Callable[[dict[str, Any]], Search]] = {
    "field": _field,
    "subexpression": _chain,
    "index_expression": _chain,
    "pipe": _chain,
    "index": _index,
    "literal": _literal,
    "current": _current,
    "identity": _current,
    "flatten": _flatten,
    "projection": _projection,
    "comparator": _comparator,
    "and_expression": _and,
    "or_expression": _or,
    "not_expression": _not,
    "function_expression": _function,
}
