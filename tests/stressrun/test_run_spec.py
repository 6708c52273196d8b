"""The run's options as one frozen object: defined by the option table, carried whole as JSON."""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
from pathlib import Path

import pytest

from stairload.loadgen.context import add_arguments, context_from_options, run_options
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


def test_no_probes_leaves_the_scenarios_probe_steps_out() -> None:
    """--no-probes is --probe-users none: an empty tuple, which the stair honours."""
    args = build_parser().parse_args(["scenario2", "--no-probes"])
    options = RunOptions.from_namespace(args)
    assert options.probe_users == ()
    assert context_from_options(options).stairs.probes == ()
    assert context_from_options(RunOptions(scenario="scenario2")).stairs.probes


def test_a_constant_run_holds_the_users_given() -> None:
    """--shape constant --users 7: one plateau of 7 users instead of the case's VUser."""
    args = build_parser().parse_args(["scenario2", "--shape", "constant", "--users", "7"])
    stairs = context_from_options(RunOptions.from_namespace(args)).stairs
    assert [step.users for step in stairs.steps] == [7]
    default = context_from_options(RunOptions(scenario="scenario2", shape="constant")).stairs
    assert [step.users for step in default.steps] == [1200]


@pytest.mark.parametrize(
    ("variable", "no_probes"),
    [([], False), (["PROBES=0"], True), (["PROBES="], True), (["PROBES=on"], False)],
)
def test_make_probes_variable_passes_no_probes(variable: list[str], no_probes: bool) -> None:
    """make stress-scenario2 runs the probes; PROBES=0 or PROBES= adds --no-probes."""
    root = Path(__file__).resolve().parents[2]
    dry = subprocess.run(
        ["make", "-n", "stress-scenario2", *variable],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    run_line = next(line for line in dry.stdout.splitlines() if "stairload run" in line)
    assert ("--no-probes" in run_line.split()) is no_probes
