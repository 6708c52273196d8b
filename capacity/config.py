"""Loading ``scenarios.yaml`` into frozen objects, validated once, here at the border."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import yaml
from pydantic import Field, ModelWrapValidatorHandler, field_validator, model_validator

from capacity import formulas, limits, strict_yaml
from capacity.plan import Inputs, ScenarioLoad
from stairload.core.errors import ConfigError, UsageError, did_you_mean
from stairload.core.models import (
    AtLeastZero,
    IncreasingWholes,
    Keys,
    Number,
    StrictModel,
    Text,
    Whole,
    problem,
    validated,
)

if TYPE_CHECKING:
    from stairload.journeys.journey import Journey

_SCENARIO_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")


# The keys of a scenario that make its journey: stairload.journeys.spec.JOURNEY_KEYS (a test
# holds them equal); spelled here so that loading a plan does not build the journey models.
JOURNEY_KEYS = ("vars", "data", "headers", "steps", "locustfile")


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
    # the open workload (``shape: arrivals``, capacity.arrival_stairs); None: from the plan
    shape: str = "users"
    arrivals: str = "even"
    start_rate: float | None = None
    end_rate: float | None = None
    step_rate: float | None = None
    max_users: int | None = None
    seed: int = 0
    judge_latency: str = "user-seen"  # an open run's verdict: user-seen or service times


@dataclass(frozen=True)
class Scenario:
    """One user journey: its daily shape (R, T), its journey (steps), its stair settings.

    The journey is checked and compiled when first used (``journey``): a command that
    needs only the plan's numbers (``capacity what-if``, ``reports build --plan``) does
    not pay for it, or fail on a journey it does not run. ``load_scenarios`` checks every
    journey unless asked not to.
    """

    name: str
    description: str
    requests_per_user_per_day: float
    journey_seconds: float
    stairs: StairSettings
    journey_raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    source: str = ""  # the scenarios file, for the journey's error messages and data files

    @cached_property
    def journey(self) -> Journey:
        """The scenario's journey, checked and compiled (``ConfigError`` names the field)."""
        from stairload.journeys.load import parse_journey

        return parse_journey(
            self.journey_raw,
            source=self.source,
            scenario_name=self.name,
            base_dir=Path(self.source).parent,
        )

    def load(self) -> ScenarioLoad:
        """The numbers the formulas need."""
        return ScenarioLoad(
            self.name,
            self.requests_per_user_per_day,
            self.journey_seconds,
            self.stairs.step_users,
        )


@dataclass(frozen=True)
class RegressionRules:
    """How much worse than a baseline a run may be before ``stairload report gate`` fails it."""

    mtt_worse_pct: float = 10.0  # a step's MTT may be at most this % above the baseline's
    p95_worse_pct: float = 10.0  # likewise its p95
    tps_lower_pct: float = 10.0  # a step's TPS may be at most this % below the baseline's
    error_rate_points: float = 0.5  # error rate (%) at most the baseline's plus these points


@dataclass(frozen=True)
class Thresholds:
    """The pass/fail limits of a run, and the rules of a gate against a baseline."""

    mtt_ms: float
    error_rate: float
    regression: RegressionRules = RegressionRules()


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


def load_scenarios(path: str | Path, *, journeys: bool = True) -> Suite:
    """Read and validate ``path``; every mistake raises one ``ConfigError``.

    ``journeys=False`` leaves each scenario's journey to be checked when it is first used:
    for a command that needs only the plan's numbers.
    """
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
    return parse_suite(source, raw, journeys=journeys)


def parse_suite(source: str, raw: object, *, journeys: bool = True) -> Suite:
    """Validate an already-parsed YAML document (data files are read next to ``source``)."""
    document = validated(_SuiteModel, raw, source)
    suite = Suite(
        source=source,
        service=Service(**document.service.given()),
        start_case=document.load.start_case,
        end_case=document.load.end_case,
        cases=tuple(case.case(name) for name, case in document.cases.items()),
        thresholds=document.thresholds.thresholds(),
        scenarios=tuple(
            scenario.scenario(name, source) for name, scenario in document.scenarios.items()
        ),
        alarms_raw=document.alarms,
    )
    if journeys:
        for scenario in suite.scenarios:
            _ = scenario.journey  # checked and compiled now: every mistake at load
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


# The shape of scenarios.yaml, in the order its keys are listed in a message.
_Seconds = Annotated[float, Number(maximum=limits.MAX_SECONDS)]
_Factor = Annotated[float, Number(maximum=limits.MAX_FACTOR)]
_Rate = Annotated[float, Number(maximum=limits.MAX_SPAWN_RATE)]  # journeys started per second


class _ServiceModel(StrictModel):
    name: Annotated[str, Text()] = "service"
    response_time_ms: Annotated[
        float,
        Number(
            minimum=limits.RESPONSE_TIME_MS[0], inclusive=True, maximum=limits.RESPONSE_TIME_MS[1]
        ),
    ]
    peak_rate: _Factor
    safety_factor: _Factor
    seconds_per_day: Annotated[float, Number(maximum=limits.MAX_SECONDS_PER_DAY)] = 86_400.0


class _LoadModel(StrictModel):
    start_case: Annotated[str, Text()] = "average"
    end_case: Annotated[str, Text()] = "stress"


class _ThinkModel(StrictModel):
    min: Annotated[float, Number(minimum=0, inclusive=True, maximum=limits.MAX_SECONDS)]
    max: Annotated[float, Number(minimum=0, inclusive=True, maximum=limits.MAX_SECONDS)]

    @model_validator(mode="after")
    def _max_not_below_min(self) -> _ThinkModel:
        if self.max < self.min:
            raise problem(f"must be >= min ({self.min:g})", at=("max",), got=self.max)
        return self


class _CaseModel(StrictModel):
    dau: Annotated[float, Number(maximum=limits.MAX_DAU)]
    think_time_seconds: _ThinkModel = Field(default_factory=lambda: _ThinkModel(min=0, max=0))
    description: Annotated[str, Text()] = ""

    def case(self, name: str) -> Case:
        think = self.think_time_seconds
        return Case(name, self.dau, think.min, think.max, self.description)


_Percent = Annotated[float, Number(minimum=0, inclusive=True, maximum=1000)]


class _RegressionModel(StrictModel):
    mtt_worse_pct: _Percent = RegressionRules.mtt_worse_pct
    p95_worse_pct: _Percent = RegressionRules.p95_worse_pct
    tps_lower_pct: Annotated[float, Number(minimum=0, inclusive=True, maximum=100)] = (
        RegressionRules.tps_lower_pct
    )
    error_rate_points: Annotated[float, Number(minimum=0, inclusive=True, maximum=100)] = (
        RegressionRules.error_rate_points
    )


class _ThresholdsModel(StrictModel):
    mtt_ms: Annotated[float, Number(maximum=limits.RESPONSE_TIME_MS[1])]
    error_rate: AtLeastZero
    regression: _RegressionModel = Field(default_factory=_RegressionModel)

    def thresholds(self) -> Thresholds:
        return Thresholds(self.mtt_ms, self.error_rate, RegressionRules(**self.regression.given()))

    @field_validator("error_rate")
    @classmethod
    def _fraction(cls, error_rate: float) -> float:
        if error_rate > 1:
            raise problem("must be a fraction between 0 and 1")
        return error_rate


class _StairsModel(StrictModel):
    step_users: Annotated[int, Whole(maximum=limits.MAX_USERS)]
    step_seconds: _Seconds
    hold_seconds: _Seconds
    spawn_rate: Annotated[float, Number(maximum=limits.MAX_SPAWN_RATE)]
    probe_users: Annotated[tuple[int, ...], IncreasingWholes()] = ()
    probe_seconds: _Seconds | None = None
    shape: Literal["users", "arrivals"] = "users"
    arrivals: Literal["even", "poisson"] = "even"
    start_rate: _Rate | None = None
    end_rate: _Rate | None = None
    step_rate: _Rate | None = None
    max_users: Annotated[int, Whole(maximum=limits.MAX_USERS)] | None = None
    seed: Annotated[int, Whole(minimum=0, maximum=2**31 - 1)] = 0
    judge_latency: Literal["user-seen", "service"] = "user-seen"

    @model_validator(mode="wrap")
    @classmethod
    def _steps_plateau(cls, raw: Any, handler: ModelWrapValidatorHandler[_StairsModel]) -> Any:
        """Each step's ramp is part of its step_seconds, so it must fit in it."""
        stairs = handler(raw)
        slowest = stairs.step_users / stairs.step_seconds
        if stairs.spawn_rate < slowest:
            message = (
                f"must be >= step_users / step_seconds ({slowest:g}), or a step never plateaus"
            )
            raise problem(message, at=("spawn_rate",), got=raw["spawn_rate"])
        return stairs


class _ScenarioModel(StrictModel):
    description: Annotated[str, Text()] = ""
    requests_per_user_per_day: Annotated[
        float, Number(maximum=limits.MAX_REQUESTS_PER_USER_PER_DAY)
    ]
    journey_seconds: _Seconds
    stairs: _StairsModel
    # the journey (JOURNEY_KEYS), checked and compiled by stairload.journeys.load.parse_journey
    vars: Any = None
    data: Any = None
    headers: Any = None
    steps: Any = None
    locustfile: Any = None

    def scenario(self, name: str, source: str) -> Scenario:
        keys = JOURNEY_KEYS
        journey = {key: getattr(self, key) for key in keys if key in self.model_fields_set}
        return Scenario(
            name=name,
            description=self.description,
            requests_per_user_per_day=self.requests_per_user_per_day,
            journey_seconds=self.journey_seconds,
            stairs=StairSettings(**self.stairs.given()),
            journey_raw=journey,
            source=source,
        )


def _scenario_name_problem(name: str) -> str | None:
    if _SCENARIO_NAME.match(name):
        return limits.name_problem(name)
    return limits.name_problem(name) or "a scenario name must be letters, digits, _ or -"


class _SuiteModel(StrictModel):
    service: _ServiceModel
    load: _LoadModel = Field(default_factory=_LoadModel)
    cases: Annotated[dict[str, _CaseModel], Keys("case", limits.name_problem)]
    thresholds: _ThresholdsModel
    scenarios: Annotated[dict[str, _ScenarioModel], Keys("scenario", _scenario_name_problem)]
    alarms: Any = None  # checked by stairload.alarms.config
    scaling: Any = None  # checked by stairload.scaleout.config

    @model_validator(mode="after")
    def _load_names_cases(self) -> _SuiteModel:
        names = tuple(self.cases)
        for key in ("start_case", "end_case"):
            name = getattr(self.load, key)
            if name not in names:
                raise problem(f"must name a case ({', '.join(names)})", at=("load", key), got=name)
        return self
