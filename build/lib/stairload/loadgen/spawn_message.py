"""A worker's spawn message must not stop its users: Locust's option filter, computed once.

Locust's ``WorkerRunner.handle_message`` (2.47) keeps the master's options that are not
Locust's own with ``k not in argument_parser.default_args_dict()`` inside a comprehension,
so every spawn message builds Locust's whole argument parser once per option. Each build
fires ``init_command_line_parser`` (our run options register again) and parses: about 40 ms
on this machine, times some 60 options, so the worker's gevent loop ran nothing else for
seconds at each step's ramp: requests in flight waited, and their response times include
the wait (the loop-lag probe measured up to 1,515 ms in a step of a smoke run).

Locust's defaults cannot change while the process runs, so the first answer is kept and
handed out read-only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from locust import argument_parser

_MARK = "_stairload_computed_once"


def compute_default_args_once() -> None:
    """Make ``locust.argument_parser.default_args_dict`` build the parser only on first use."""
    build: Callable[[], dict[str, Any]] = argument_parser.default_args_dict
    if getattr(build, _MARK, False):
        return
    kept: list[Mapping[str, Any]] = []

    def default_args_dict() -> Mapping[str, Any]:
        if not kept:
            kept.append(MappingProxyType(build()))
        return kept[0]

    setattr(default_args_dict, _MARK, True)
    argument_parser.default_args_dict = default_args_dict  # type: ignore[assignment]
