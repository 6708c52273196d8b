"""The ``scaling:`` block of scenarios.yaml, read once into frozen settings.

Every key is optional; the defaults are the source story's group (target CPU 70%, min 1,
max 2, scale out after 3 of 3 one-minute periods, newest instance terminated first,
instances live at most one day). Durations are real seconds; ``ScalingPolicy.scaled``
shrinks them with the run's time scale.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from scaleout.policy import ScalingPolicy
from stairload.errors import ConfigError
from stairload.fields import Fields

_KEYS = (
    "target_cpu_percent",
    "min_instances",
    "max_instances",
    "period_seconds",
    "scale_out_periods",
    "scale_in_periods",
    "scale_in_ratio",
    "cooldown_seconds",
    "instance_warmup_seconds",
    "health_path",
    "warmup_requests",
    "max_instance_lifetime_seconds",
    "instance_cpu_cores",
    "health_check_grace_seconds",
)


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
    fields = Fields(source, "scaling", raw)
    fields.only(_KEYS)
    base, defaults = ScalingPolicy(), ScalingSettings()

    def whole(key: str, default: int, minimum: int = 1) -> int:
        return default if fields.raw.get(key) is None else fields.whole(key, minimum=minimum)

    policy = ScalingPolicy(
        target_cpu_percent=fields.number("target_cpu_percent", default=base.target_cpu_percent),
        min_instances=whole("min_instances", base.min_instances),
        max_instances=whole("max_instances", base.max_instances),
        period_seconds=fields.number("period_seconds", default=base.period_seconds),
        scale_out_periods=whole("scale_out_periods", base.scale_out_periods),
        scale_in_periods=whole("scale_in_periods", base.scale_in_periods),
        scale_in_ratio=fields.number("scale_in_ratio", default=base.scale_in_ratio),
        cooldown_seconds=_seconds(fields, "cooldown_seconds", base.cooldown_seconds),
        instance_warmup_seconds=_seconds(
            fields, "instance_warmup_seconds", base.instance_warmup_seconds
        ),
    )
    if policy.max_instances < policy.min_instances:
        raise fields.error(
            "max_instances",
            f"must be >= min_instances ({policy.min_instances})",
            policy.max_instances,
        )
    if policy.scale_in_ratio >= 1:
        raise fields.error("scale_in_ratio", "must be < 1", policy.scale_in_ratio)
    health_path = fields.text("health_path", default=defaults.health_path)
    if not health_path.startswith("/"):
        raise fields.error("health_path", "must start with /", health_path)
    return ScalingSettings(
        policy=policy,
        health_path=health_path,
        warmup_requests=whole("warmup_requests", defaults.warmup_requests, minimum=0),
        max_instance_lifetime_seconds=whole(
            "max_instance_lifetime_seconds", defaults.max_instance_lifetime_seconds, 86_400
        ),
        instance_cpu_cores=fields.number("instance_cpu_cores", default=1.0),
        health_check_grace_seconds=_seconds(
            fields, "health_check_grace_seconds", defaults.health_check_grace_seconds
        ),
    )


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


def _seconds(fields: Fields, key: str, default: float) -> float:
    return fields.number(key, default=default, inclusive=True) if key in fields.raw else default
