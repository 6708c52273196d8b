"""The options of a run, defined once: name, type, default and help.

``add_run_options`` registers them on any parser (``stairload run``'s, Locust's
through ``init_command_line_parser``, ``capacity stairs`` for the stair overrides).
``RunOptions`` is their parsed values as one frozen object, made once from a parser's
namespace (``RunOptions.from_namespace``); it reaches the Locust processes whole, as the
JSON of ``--run-spec`` (``to_json``/``from_json``), never re-spelt as options and parsed
again. Every value is in real (unscaled) units; None means "as ``scenarios.yaml`` says".
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, replace
from typing import Any

from capacity import limits
from stairload.core.argtypes import base_url, bounded, whole, whole_in
from stairload.target.config import SEEDED_USERS

SHAPES = ("stairs", "constant", "arrivals")
DEFAULT_SCENARIOS = "scenarios.yaml"


@dataclass(frozen=True)
class RunOption:
    """One option: its flag, how its text becomes a value, its default and its help."""

    flag: str
    kind: Callable[[str], Any] | None
    default: Any
    help: str
    metavar: str | None = None
    choices: tuple[str, ...] | None = None
    repeatable: bool = False  # given once per value; parsed into a list
    switch: bool = False  # a flag without a value: True when given
    const: Any = None  # a flag without a value: stores this in ``into`` (store_const)
    into: str | None = None  # the attribute it lands in, when not the flag's own name

    @property
    def dest(self) -> str:
        """The attribute name the parsed value lands in."""
        return self.into or self.flag.removeprefix("--").replace("-", "_")

    def add_to(self, parser: Any, **extra: Any) -> None:
        """Register this option on ``parser`` (an argparse parser or group)."""
        settings: dict[str, Any] = {"default": self.default, "help": self.help, **extra}
        if self.const is not None:
            settings.update(action="store_const", const=self.const, dest=self.dest)
        if self.repeatable:
            settings.update(action="append", default=None)
        if self.switch:
            settings["action"] = "store_true"
        if self.kind is not None:
            settings["type"] = self.kind
        if self.metavar is not None:
            settings["metavar"] = self.metavar
        if self.choices is not None:
            settings["choices"] = self.choices
        parser.add_argument(self.flag, **settings)


# the ranges of capacity.limits: every duration and count stays finite and sane
_users = bounded(int, 1, limits.MAX_USERS)
_scale = bounded(float, *limits.SCALE)
_seconds = bounded(float, 0.001, limits.MAX_SECONDS)


def _hold_seconds(text: str) -> float:
    """A hold of 0 is refused with the reason: the last plateau is the step the verdict judges."""
    try:
        zero = float(text) == 0
    except ValueError:
        zero = False
    if zero:
        raise argparse.ArgumentTypeError(
            "must be > 0: the last plateau (the stress step the verdict judges) is held this "
            "long, its ramp included; for a last step as long as the others give "
            "--hold-seconds equal to --step-seconds (got 0)"
        )
    return _seconds(text)


_spawn_rate = bounded(float, 0.001, limits.MAX_SPAWN_RATE)

SCENARIO = RunOption(
    "--scenario", None, None, "scenario name in the scenarios file, e.g. scenario2"
)
SCENARIOS = RunOption(  # every command that reads scenarios.yaml takes it this one way
    "--scenarios",
    None,
    DEFAULT_SCENARIOS,
    f"the scenarios file (default: {DEFAULT_SCENARIOS})",
    "PATH",
)
SHAPE = RunOption(
    "--shape",
    None,
    "stairs",
    "stairs: start case's VUser up to end case's (default; an open stair when the scenario's "
    "stairs say shape: arrivals); constant: one case's VUser; arrivals: journeys started per "
    "second from the start case's peak rate up to the end case's (an open workload)",
    choices=SHAPES,
)
CASE = RunOption(
    "--case", None, "", "case for a constant run (default: the start case); its think time applies"
)
TIME_SCALE = RunOption(
    "--time-scale", _scale, 1.0, "multiply every duration (0.05: 60 s steps last 3 s)", "X"
)
USERS_SCALE = RunOption(
    "--users-scale", _scale, 1.0, "multiply every user count (0.01: 1,200 users become 12)", "X"
)
RUN_DIR = RunOption("--run-dir", None, "", "default runs/<UTC time>-<scenario>-<case>")
START_USERS = RunOption("--start-users", _users, None, "override: first plateau", "N")
END_USERS = RunOption("--end-users", _users, None, "override: last plateau", "N")
STEP_USERS = RunOption("--step-users", _users, None, "override: users added per step", "N")
STEP_SECONDS = RunOption("--step-seconds", _seconds, None, "override: step length", "S")
HOLD_SECONDS = RunOption(
    "--hold-seconds", _hold_seconds, None, "override: final hold (the last plateau's length)", "S"
)
SPAWN_RATE = RunOption(
    "--spawn-rate", _spawn_rate, None, "override: users started per second while ramping", "N"
)
DURATION_SECONDS = RunOption(
    "--duration-seconds", _seconds, None, "override: constant run length (default step + hold)", "S"
)
USERS = RunOption(
    "--users",
    _users,
    None,
    "--shape constant only: hold this many users (default: the case's planned VUser)",
    "N",
)
ABORT_ON = RunOption(
    "--abort-on",
    None,
    None,
    "stop the run (exit 97) when this alarm rule enters ALARM; repeatable",
    "ALARM",
    repeatable=True,
)
TARGET_USERS = RunOption(
    "--target-users",
    _users,
    SEEDED_USERS,
    f"users the embedded target seeds (user1..userN; default {SEEDED_USERS:,})",
    "N",
)
METRICS_PORT = RunOption(
    "--metrics-port",
    whole_in(1, 65535),
    None,
    "the master serves live Prometheus metrics on this port during the run "
    "(on --master-bind-host, else 127.0.0.1; see livemetrics)",
    "PORT",
)
WEB = RunOption(
    "--web",
    None,
    False,
    "serve a live page of the run on 127.0.0.1 (--web-port): the stair, TPS, MTT, the "
    "step table with its validity, alarms, the generator's health (docs/watching.md)",
    switch=True,
)
WEB_PORT = RunOption(  # Locust's parser has its own --web-port: same name, same meaning
    "--web-port",
    whole_in(1, 65535),
    8089,
    "the live page's port on 127.0.0.1 (default %(default)s; with --web)",
    "PORT",
)
USER_LOCUSTFILE = RunOption(
    "--user-locustfile",
    None,
    "",
    "run the user classes of this locustfile under the planned stair instead of the "
    "scenario's steps (default: the scenario's locustfile:, if any)",
    "PATH",
)

TARGET_PID = RunOption(
    "--target-pid",
    whole(1),
    None,
    "the service under test's process id on this machine: its CPU (and its children's) "
    "is sampled each second into target_cpu.csv (needs --host)",
    "PID",
)
TARGET_CPU_PROMETHEUS = RunOption(
    "--target-cpu-prometheus",
    base_url,
    None,
    "a Prometheus server's base URL: the service's CPU per second comes from --query "
    "through its query_range API (needs --host)",
    "URL",
)
QUERY = RunOption(
    "--query",
    None,
    None,
    "PromQL giving the service's CPU in percent of one core, e.g. "
    "'100 * rate(process_cpu_seconds_total{job=\"api\"}[15s])'",
    "PROMQL",
)
TARGET_CPUS = RunOption(
    "--target-cpus",
    bounded(float, 0.01, 1024.0),
    None,
    "cap the embedded target at this many cores (a cgroup CPU quota, like a container's "
    "CPU limit), so the run measures an instance of that size instead of the share of "
    "this machine it wins from the load generator; instances at 70%% CPU are counted in "
    "instances of this size. Needs root (or a delegated cgroup)",
    "CORES",
)
# Orchestrator only: the Locust processes read whatever target_cpu.csv the run writes.
TARGET_CPU_OPTIONS = (TARGET_PID, TARGET_CPU_PROMETHEUS, QUERY, TARGET_CPUS)


def _probe_users(text: str) -> tuple[int, ...]:
    """'1,100,400': whole numbers >= 1, strictly increasing; '' or 'none' for no probes."""
    if text.strip().lower() in ("", "none"):
        return ()
    try:
        values = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be whole numbers separated by commas, e.g. 1,100,400 (got {text!r})"
        ) from None
    if any(value < 1 for value in values) or list(values) != sorted(set(values)):
        raise argparse.ArgumentTypeError(
            f"must be increasing whole numbers >= 1, e.g. 1,100,400 (got {text!r})"
        )
    return values


PROBE_USERS = RunOption(
    "--probe-users",
    _probe_users,
    None,
    "override: probe steps below the plan, held before the stair (the built-in scenarios "
    "have some by default, for the capacity model); e.g. 1,100,400; measured apart, never "
    "part of the verdict",
    "N,N,...",
)
NO_PROBES = RunOption(
    "--no-probes",
    None,
    None,
    "leave out the scenario's probe steps (same as --probe-users none)",
    const=(),
    into=PROBE_USERS.dest,
)

_rate = bounded(float, 0.001, limits.MAX_SPAWN_RATE)
START_RATE = RunOption("--start-rate", _rate, None, "override (arrivals): first journeys/s", "R")
END_RATE = RunOption("--end-rate", _rate, None, "override (arrivals): last journeys/s", "R")
STEP_RATE = RunOption("--step-rate", _rate, None, "override (arrivals): journeys/s per step", "R")
MAX_USERS = RunOption(
    "--max-users",
    _users,
    None,
    "override (arrivals): the pool's ceiling of virtual users; a journey due when none is "
    "free is dropped and counted (default: the end case's VUser)",
    "N",
)
ARRIVALS = RunOption(
    "--arrivals",
    None,
    None,
    "override (arrivals): even (evenly spaced) or poisson (seeded random moments)",
    choices=("even", "poisson"),
)
JUDGE_LATENCY = RunOption(
    "--judge-latency",
    None,
    None,
    "override (arrivals): the latency the verdict judges: user-seen (from when each journey "
    "should have started, the default) or service (from when each request was sent)",
    choices=("user-seen", "service"),
)
ARRIVAL_OVERRIDES = (START_RATE, END_RATE, STEP_RATE, MAX_USERS, ARRIVALS, JUDGE_LATENCY)

STAIR_OVERRIDES = (
    START_USERS,
    END_USERS,
    STEP_USERS,
    STEP_SECONDS,
    HOLD_SECONDS,
    SPAWN_RATE,
    PROBE_USERS,
    NO_PROBES,
)
RUN_OPTIONS = (
    SCENARIOS,
    SHAPE,
    CASE,
    TIME_SCALE,
    USERS_SCALE,
    RUN_DIR,
    *STAIR_OVERRIDES,
    *ARRIVAL_OVERRIDES,
    DURATION_SECONDS,
    USERS,
    TARGET_USERS,
    METRICS_PORT,
    WEB,
    WEB_PORT,
    USER_LOCUSTFILE,
    ABORT_ON,
)


def add_run_options(
    parser: Any, options: Iterable[RunOption] = RUN_OPTIONS, *, scenario: bool = True
) -> None:
    """Register ``options`` on ``parser``; a flag the parser already has is left as it is.

    With ``scenario``, ``--scenario`` is registered too (Locust's parser has no positional
    arguments; ``stairload run`` takes the scenario as its first argument instead).
    """
    known = {flag for action in _actions(parser) for flag in action.option_strings}
    for option in (SCENARIO, *options) if scenario else options:
        if option.flag not in known:  # Locust's own --spawn-rate: same name, same meaning
            option.add_to(parser)


RUN_SPEC = RunOption(
    "--run-spec",
    None,
    "",
    "the run's options as one JSON object (stairload run passes it; for a direct locust "
    "run give the options one by one instead)",
    "JSON",
)


@dataclass(frozen=True)
class RunOptions:
    """The parsed run options (``RUN_OPTIONS`` and the scenario), read by attribute.

    Made once where the options are parsed; every process of the run reads this object,
    the Locust processes from the JSON of ``--run-spec``.
    """

    scenario: str
    scenarios: str = DEFAULT_SCENARIOS
    shape: str = "stairs"
    case: str = ""
    time_scale: float = 1.0
    users_scale: float = 1.0
    run_dir: str = ""
    start_users: int | None = None
    end_users: int | None = None
    step_users: int | None = None
    step_seconds: float | None = None
    hold_seconds: float | None = None
    spawn_rate: float | None = None
    probe_users: tuple[int, ...] | None = None
    start_rate: float | None = None
    end_rate: float | None = None
    step_rate: float | None = None
    max_users: int | None = None
    arrivals: str | None = None
    judge_latency: str | None = None
    duration_seconds: float | None = None
    users: int | None = None
    target_users: int = SEEDED_USERS
    metrics_port: int | None = None
    web: bool = False
    web_port: int = 8089
    user_locustfile: str = ""
    abort_on: tuple[str, ...] = ()

    @classmethod
    def from_namespace(cls, values: Any, **changes: Any) -> RunOptions:
        """The options a parser put in ``values`` (argparse's namespace), with ``changes``."""
        given = {  # Locust's parser keeps its own --users (num_users): ours is absent there
            field.name: getattr(values, field.name, field.default) for field in fields(cls)
        }
        given["abort_on"] = tuple(given["abort_on"] or ())
        given["run_dir"] = given["run_dir"] or ""
        given["user_locustfile"] = given["user_locustfile"] or ""
        return cls(**{**given, **changes})

    def to_json(self) -> str:
        """One line of JSON that ``from_json`` reads back into an equal object."""
        return json.dumps({field.name: getattr(self, field.name) for field in fields(self)})

    @classmethod
    def from_json(cls, text: str) -> RunOptions:
        """The object ``to_json`` wrote (this project's own output: checked when it was made)."""
        values = json.loads(text)
        if values["probe_users"] is not None:
            values["probe_users"] = tuple(values["probe_users"])
        values["abort_on"] = tuple(values["abort_on"])
        return cls(**values)

    def with_scenarios(self, path: str) -> RunOptions:
        """The same options reading another copy of the scenarios file (a remote worker's)."""
        return replace(self, scenarios=path)


def stair_overrides(values: Any) -> dict[str, Any]:
    """The stair overrides in ``values`` as keyword arguments of ``capacity.shapes.stairs_for``."""
    return {option.dest: getattr(values, option.dest) for option in STAIR_OVERRIDES}


def arrival_overrides(values: Any) -> dict[str, Any]:
    """The arrival overrides in ``values`` as keyword arguments of ``arrivals_for``."""
    names = ("step_seconds", "hold_seconds", *(option.dest for option in ARRIVAL_OVERRIDES))
    return {name: getattr(values, name) for name in names}


def _actions(parser: Any) -> list[argparse.Action]:
    while not hasattr(parser, "_actions"):  # an argument group: its container holds them
        parser = parser._container
    return list(parser._actions)
