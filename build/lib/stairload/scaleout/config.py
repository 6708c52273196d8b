"""The ``scaling:`` block of scenarios.yaml, read once into frozen settings.

Every key is optional; the defaults are the source story's group (target CPU 70%, min 1,
max 2, scale out after 3 of 3 one-minute periods, newest instance terminated first,
instances live at most one day). Durations are real seconds; ``ScalingPolicy.scaled``
shrinks them with the run's time scale.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import model_validator

from stairload.core.errors import ConfigError
from stairload.core.models import (
    POSITIVE,
    AtLeastZero,
    StrictModel,
    Text,
    Whole,
    problem,
    validated,
)
from stairload.scaleout.policy import ScalingPolicy


@dataclass(frozen=True)
class ScalingSettings:
    """The group: its policy, the health path the balancer checks, the warm-up gate."""

    policy: ScalingPolicy = field(default_factory=ScalingPolicy)
    health_path: str = "/health"
    warmup_requests: int = 0
    max_instance_lifetime_seconds: int = 86_400
    instance_cpu_cores: float = 1.0
    health_check_grace_seconds: float = 300.0  # as an Auto Scaling group's default

    def scaled(self, time_scale: float) -> ScalingSettings:
        """The same settings with every duration multiplied by ``time_scale``."""
        return replace(
            self,
            policy=self.policy.scaled(time_scale),
            health_check_grace_seconds=self.health_check_grace_seconds * time_scale,
        )


def parse_scaling(raw: object, source: str) -> ScalingSettings:
    """Validate a ``scaling:`` mapping (None gives the defaults)."""
    if raw is None:
        return ScalingSettings()
    return validated(_ScalingModel, raw, source, "scaling").settings()


def load_scaling(path: Path) -> tuple[ScalingSettings, dict[str, object]]:
    """The scaling settings of a scenarios file and its raw ``alarms:`` block (or {})."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(str(path), "", f"cannot read: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise ConfigError(str(path), "", f"not valid YAML: {error}") from None
    if not isinstance(document, dict):
        raise ConfigError(str(path), "(top level)", "must be a mapping")
    alarms = document.get("alarms")
    return parse_scaling(document.get("scaling"), str(path)), (
        alarms if isinstance(alarms, dict) else {}
    )


_Count = Annotated[int, Whole()]


class _ScalingModel(StrictModel):
    # None: the default of ScalingPolicy or ScalingSettings
    target_cpu_percent: Annotated[float, POSITIVE] | None = None
    min_instances: _Count | None = None
    max_instances: _Count | None = None
    period_seconds: Annotated[float, POSITIVE] | None = None
    scale_out_periods: _Count | None = None
    scale_in_periods: _Count | None = None
    scale_in_ratio: Annotated[float, POSITIVE] | None = None
    cooldown_seconds: AtLeastZero | None = None
    instance_warmup_seconds: AtLeastZero | None = None
    health_path: Annotated[str, Text()] | None = None
    warmup_requests: Annotated[int, Whole(minimum=0)] | None = None
    max_instance_lifetime_seconds: Annotated[int, Whole(minimum=86_400)] | None = None
    instance_cpu_cores: Annotated[float, POSITIVE] | None = None
    health_check_grace_seconds: AtLeastZero | None = None

    def settings(self) -> ScalingSettings:
        """The settings given, the defaults for the rest."""
        given = self.given()
        policy = {key: given.pop(key) for key in _POLICY_KEYS if key in given}
        return ScalingSettings(policy=ScalingPolicy(**policy), **given)

    @model_validator(mode="after")
    def _consistent(self) -> _ScalingModel:
        settings = self.settings()
        policy = settings.policy
        if policy.max_instances < policy.min_instances:
            message = f"must be >= min_instances ({policy.min_instances})"
            raise problem(message, at=("max_instances",), got=policy.max_instances)
        if policy.scale_in_ratio >= 1:
            raise problem("must be < 1", at=("scale_in_ratio",), got=policy.scale_in_ratio)
        if not settings.health_path.startswith("/"):
            raise problem("must start with /", at=("health_path",), got=settings.health_path)
        return self


_POLICY_KEYS = tuple(item.name for item in fields(ScalingPolicy))
