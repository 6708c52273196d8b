"""The run's options as one frozen object: defined by the option table, carried whole as JSON."""

from __future__ import annotations

import argparse
import dataclasses

import pytest

from stairload.loadgen.context import add_arguments, run_options
from stairload.options import RUN_OPTIONS, SCENARIO, RunOptions
from stairload.run.arguments import build_parser


def test_the_object_has_one_field_per_run_option() -> None:
    """RunOptions and the option table name the same settings: neither can grow alone."""
    names = {field.name for field in dataclasses.fields(RunOptions)}
    assert names == {SCENARIO.dest, *(option.dest for option in RUN_OPTIONS)}


def test_json_gives_back_an_equal_object() -> None:
    """What the runner sends as --run-spec is what every Locust process reads."""
    args = build_parser().parse_args(
        ["scenario2", "--time-scale", "0.05", "--probe-users", "1,100", "--abort-on", "x",
         "--abort-on", "y", "--step-seconds", "30"]
    )  # fmt: skip
    options = RunOptions.from_namespace(args)
    assert RunOptions.from_json(options.to_json()) == options
    assert (options.probe_users, options.abort_on) == ((1, 100), ("x", "y"))


def _locust_parsed(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)  # as the locustfile does on Locust's parser
    return parser.parse_args(argv)


def test_a_locust_process_reads_the_spec_whole_before_single_options() -> None:
    """With --run-spec a Locust process takes the object whole, whatever else it was given."""
    spec = RunOptions(scenario="scenario3", time_scale=0.5, probe_users=(1, 4))
    parsed = _locust_parsed("--scenario", "scenario2", "--run-spec", spec.to_json())
    assert run_options(parsed) == spec


def test_a_direct_locust_run_gives_the_options_one_by_one() -> None:
    """``locust -f locustfiles/stress.py --scenario ...`` makes the same object from them."""
    parsed = _locust_parsed("--scenario", "scenario2", "--time-scale", "0.5")
    assert run_options(parsed) == RunOptions(scenario="scenario2", time_scale=0.5)


def test_the_object_cannot_change() -> None:
    """Nothing downstream mutates the options it was handed."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        RunOptions(scenario="scenario2").time_scale = 1.0  # type: ignore[misc]
