"""Loading ``scenarios.yaml`` into frozen objects, validated once, here at the border."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from capacity import formulas, limits, strict_yaml
from capacity.plan import Inputs, ScenarioLoad
from journeys.journey import Journey
from journeys.load import JOURNEY_KEYS, parse_journey
from stairload.errors import ConfigError, UsageError
from stairload.fields import Fields, did_you_mean

# "scaling" is read and checked by scaleout.config (python -m scaleout).
_TOP_KEYS = ("service", "load", "cases", "thresholds", "scenarios", "alarms", "scaling")
_SERVICE_KEYS = ("name", "response_time_ms", "peak_rate", "safety_factor", "seconds_per_day")
_LOAD_KEYS = ("start_case", "end_case")
_CASE_KEYS = ("dau", "think_time_seconds", "description")
_THINK_KEYS = ("min", "max")
_THRESHOLD_KEYS = ("mtt_ms", "error_rate")
_SCENARIO_KEYS = (
    "description",
    "requests_per_user_per_day",
    "journey_seconds",
    "stairs",
    *JOURNEY_KEYS,
)
_SCENARIO_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")
_STAIR_KEYS = (
    "step_users",
    "step_seconds",
    "hold_seconds",
    "spawn_rate",
    "probe_users",
    "probe_seconds",
)


@dataclass(frozen=True)
class Service:
    """The service-wide planning numbers."""

    name: str
    response_time_ms: float
    peak_rate: float
    safety_factor: float
    seconds_per_day: float


@dataclass(frozen=True)
class Case:
    """A named DAU level, with the think time its virtual users wait between requests."""

    name: str
    dau: float
    think_min_seconds: float
    think_max_seconds: float
    description: str


@dataclass(frozen=True)
class StairSettings:
    """How a scenario's stair climbs: users per step, step length, final hold, ramp speed."""

    step_users: int
    step_seconds: float
    hold_seconds: float
    spawn_rate: float
    probe_users: tuple[int, ...] = ()
    probe_seconds: float | None = None


@dataclass(frozen=True)
class Scenario:
    """One user journey: its daily shape (R, T), its journey (steps), its stair settings."""

    name: str
    description: str
    requests_per_user_per_day: float
    journey_seconds: float
    journey: Journey
    stairs: StairSettings

    def load(self) -> ScenarioLoad:
        """The numbers the formulas need."""
        return ScenarioLoad(
            self.name,
            self.requests_per_user_per_day,
            self.journey_seconds,
            self.stairs.step_users,
        )


@dataclass(frozen=True)
class Thresholds:
    """The pass/fail limits of a run."""

    mtt_ms: float
    error_rate: float


@dataclass(frozen=True)
class Suite:
    """Everything ``scenarios.yaml`` says, validated."""

    source: str
    service: Service
    start_case: str
    end_case: str
    cases: tuple[Case, ...]
    thresholds: Thresholds
    scenarios: tuple[Scenario, ...]
    alarms_raw: object = None

    def case(self, name: str) -> Case:
        """The case called ``name``; ``UsageError`` naming the known ones if there is none."""
        for case in self.cases:
            if case.name == name:
                return case
        raise _unknown(self.source, "case", name, tuple(case.name for case in self.cases))

    def scenario(self, name: str) -> Scenario:
        """The scenario called ``name``; ``UsageError`` naming the known ones if there is none."""
        for scenario in self.scenarios:
            if scenario.name == name:
                return scenario
        known = tuple(scenario.name for scenario in self.scenarios)
        raise _unknown(self.source, "scenario", name, known)

    def inputs(self, dau: float) -> Inputs:
        """The formula inputs for a DAU level, from the service numbers."""
        service = self.service
        return Inputs(
            dau,
            service.peak_rate,
            service.safety_factor,
            service.response_time_ms,
            service.seconds_per_day,
        )


def load_scenarios(path: str | Path) -> Suite:
    """Read and validate ``path``, journeys included; every mistake raises one ``ConfigError``."""
    source = str(path)
    try:
        raw = strict_yaml.load_text(strict_yaml.read_text(Path(path)))
    except FileNotFoundError:
        raise ConfigError(source, "", "no such file") from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as error:
        raise ConfigError(source, "", f"cannot be read ({error.__class__.__name__})") from None
    except strict_yaml.StrictYamlError as error:
        raise ConfigError(source, "", str(error)) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ConfigError(source, "", f"YAML syntax error: {where}{error.problem}") from None
    except yaml.YAMLError as error:
        raise ConfigError(source, "", f"YAML syntax error: {error}") from None
    if raw is None:
        raise ConfigError(
            source, "", "is empty; expected a mapping with service, cases, thresholds and scenarios"
        )
    return parse_suite(source, raw)


def parse_suite(source: str, raw: object) -> Suite:
    """Validate an already-parsed YAML document (data files are read next to ``source``)."""
    top = Fields(source, "", raw)
    top.only(_TOP_KEYS)
    cases = _cases(top.sub("cases"))
    case_names = tuple(case.name for case in cases)
    load = Fields(source, "load", top.raw.get("load") or {})
    load.only(_LOAD_KEYS)
    start_case = _case_name(load, "start_case", "average", case_names)
    end_case = _case_name(load, "end_case", "stress", case_names)
    suite = Suite(
        source=source,
        service=_service(top.sub("service")),
        start_case=start_case,
        end_case=end_case,
        cases=cases,
        thresholds=_thresholds(top.sub("thresholds")),
        scenarios=_scenarios(top.sub("scenarios")),
        alarms_raw=top.raw.get("alarms"),
    )
    _check_steps_fit(suite)
    return suite


def _check_steps_fit(suite: Suite) -> None:
    """A step of more users than the end case's VUser would round the whole plan up to it."""
    inputs = suite.inputs(suite.case(suite.end_case).dau)
    for scenario in suite.scenarios:
        peak = formulas.peak_rps(
            formulas.avg_rps(
                formulas.daily_requests(inputs.dau, scenario.requests_per_user_per_day),
                inputs.seconds_per_day,
            ),
            inputs.peak_rate,
            inputs.safety_factor,
        )
        exact = formulas.vusers_exact(
            peak, scenario.journey_seconds, scenario.requests_per_user_per_day
        )
        most = max(1, math.ceil(round(exact, 6)))
        if scenario.stairs.step_users > most:
            raise ConfigError(
                suite.source,
                f"scenarios.{scenario.name}.stairs.step_users",
                f"must be <= the {suite.end_case} case's VUser ({most:,})",
                scenario.stairs.step_users,
            )


def _unknown(source: str, kind: str, name: str, known: tuple[str, ...]) -> UsageError:
    hint = did_you_mean(name, known)
    return UsageError(f"{source}: unknown {kind} '{name}'; known: {', '.join(known)}{hint}")


def _service(fields: Fields) -> Service:
    fields.only(_SERVICE_KEYS)
    return Service(
        name=fields.text("name", default="service"),
        response_time_ms=fields.number(
            "response_time_ms",
            minimum=limits.RESPONSE_TIME_MS[0],
            inclusive=True,
            maximum=limits.RESPONSE_TIME_MS[1],
        ),
        peak_rate=fields.number("peak_rate", maximum=limits.MAX_FACTOR),
        safety_factor=fields.number("safety_factor", maximum=limits.MAX_FACTOR),
        seconds_per_day=fields.number(
            "seconds_per_day", default=86_400.0, maximum=limits.MAX_SECONDS_PER_DAY
        ),
    )


def _cases(fields: Fields) -> tuple[Case, ...]:
    if not fields.raw:
        raise ConfigError(fields.source, fields.path, "must name at least one case")
    cases = []
    for name in fields.text_keys(check=limits.name_problem):
        case = fields.sub(name)
        case.only(_CASE_KEYS)
        think = Fields(
            case.source,
            case.at("think_time_seconds"),
            case.raw.get("think_time_seconds") or {"min": 0, "max": 0},
        )
        think.only(_THINK_KEYS)
        low = think.number("min", inclusive=True, maximum=limits.MAX_SECONDS)
        high = think.number("max", inclusive=True, maximum=limits.MAX_SECONDS)
        if high < low:
            raise think.error("max", f"must be >= min ({low:g})", high)
        cases.append(
            Case(
                name,
                case.number("dau", maximum=limits.MAX_DAU),
                low,
                high,
                case.text("description", default=""),
            )
        )
    return tuple(cases)


def _case_name(fields: Fields, key: str, default: str, case_names: tuple[str, ...]) -> str:
    name = fields.text(key, default=default)
    if name not in case_names:
        raise fields.error(key, f"must name a case ({', '.join(case_names)})", name)
    return name


def _thresholds(fields: Fields) -> Thresholds:
    fields.only(_THRESHOLD_KEYS)
    error_rate = fields.number("error_rate", inclusive=True)
    if error_rate > 1:
        raise fields.error(
            "error_rate", "must be a fraction between 0 and 1", fields.raw["error_rate"]
        )
    return Thresholds(fields.number("mtt_ms", maximum=limits.RESPONSE_TIME_MS[1]), error_rate)


def _scenarios(fields: Fields) -> tuple[Scenario, ...]:
    if not fields.raw:
        raise ConfigError(fields.source, fields.path, "must name at least one scenario")
    scenarios = []
    base_dir = Path(fields.source).parent
    for name in fields.text_keys(check=limits.name_problem):
        if not _SCENARIO_NAME.match(name):
            raise fields.error(name, "a scenario name must be letters, digits, _ or -", name)
        scenario = fields.sub(name)
        scenario.only(_SCENARIO_KEYS)
        stairs = scenario.sub("stairs")
        stairs.only(_STAIR_KEYS)
        scenarios.append(
            Scenario(
                name=name,
                description=scenario.text("description", default=""),
                requests_per_user_per_day=scenario.number(
                    "requests_per_user_per_day", maximum=limits.MAX_REQUESTS_PER_USER_PER_DAY
                ),
                journey_seconds=scenario.number("journey_seconds", maximum=limits.MAX_SECONDS),
                journey=parse_journey(
                    scenario.raw, source=fields.source, scenario_name=name, base_dir=base_dir
                ),
                stairs=_stair_settings(stairs),
            )
        )
    return tuple(scenarios)


def _stair_settings(fields: Fields) -> StairSettings:
    settings = StairSettings(
        step_users=fields.whole("step_users", maximum=limits.MAX_USERS),
        step_seconds=fields.number("step_seconds", maximum=limits.MAX_SECONDS),
        hold_seconds=fields.number("hold_seconds", maximum=limits.MAX_SECONDS),
        spawn_rate=fields.number("spawn_rate", maximum=limits.MAX_SPAWN_RATE),
        probe_users=fields.increasing_wholes("probe_users"),
        probe_seconds=(
            None
            if fields.raw.get("probe_seconds") is None
            else fields.number("probe_seconds", maximum=limits.MAX_SECONDS)
        ),
    )
    # Each step's ramp is part of its step_seconds, so it must fit in it.
    slowest = settings.step_users / settings.step_seconds
    if settings.spawn_rate < slowest:
        message = f"must be >= step_users / step_seconds ({slowest:g}), or a step never plateaus"
        raise fields.error("spawn_rate", message, fields.raw["spawn_rate"])
    return settings
