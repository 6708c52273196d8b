"""When the generator's own queueing could be what put a step over the target.

A Locust process whose event loop wakes late (``reports.generator``'s loop lag) reads
each answer late by about its mean lag, so every response time it reports is too long by
about that much, never too short. The lag cannot turn a step that is within the target
into one over it... unless the step is over it by less than the lag: then the breach may
be the generator's, not the service's. Such a step is invalid (like a saturated one), with
the band the service's own MTT lies in; a step over the target by more than the lag keeps
its verdict, and one within it is within it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from reports.steps import StepResult


def generator_lag_reason(step: StepResult, target_mtt_ms: float) -> str | None:
    """Why ``step``'s breach of the MTT target may be the generator's, or None."""
    load = step.generator
    if not step.valid or load is None or not load.lagging or step.mtt_ms is None:
        return None
    bias = load.loop_lag_mean_ms or 0.0
    if step.mtt_ms <= target_mtt_ms or step.mtt_ms - bias > target_mtt_ms:
        return None
    return (
        f"the load generator's event loop woke {bias:.1f} ms late on average "
        f"(99th percentile {step.generator_loop_lag_ms or 0.0:.1f} ms in the median second): "
        f"the service's own MTT lies between {step.mtt_ms - bias:,.1f} and "
        f"{step.mtt_ms:,.1f} ms, across the {target_mtt_ms:g} ms target"
    )


def with_generator_lag(steps: Iterable[StepResult], target_mtt_ms: float) -> tuple[StepResult, ...]:
    """``steps``, each marked invalid when its breach of the target may be the generator's."""
    return tuple(
        dataclasses.replace(step, lag_reason=reason)
        if (reason := generator_lag_reason(step, target_mtt_ms))
        else step
        for step in steps
    )
