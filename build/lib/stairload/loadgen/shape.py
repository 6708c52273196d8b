"""The stair as a Locust ``LoadTestShape``: ``tick()`` is one call to capacity's ``stage_at``."""

from __future__ import annotations

import time

from locust import LoadTestShape

from capacity.stairs import Stage, stage_at
from stairload.loadgen.runtime import run_context, runtime

# Locust calls tick() about once a second; asking for the stage half a tick ahead puts
# every step change within half a second of its planned time instead of up to a second late.
TICK_LEAD_SECONDS = 0.5


class StairShape(LoadTestShape):
    """Reads the planned stair (or constant plateau) of this run; the data is the shape.

    Locust's own ``--spawn-rate`` is the run option of that name (a stair override),
    read through the run context: hence ``use_common_options``.
    """

    use_common_options = True

    def reset_time(self) -> None:
        """Start the clock, and share its wall-clock origin with the interval recorder."""
        super().reset_time()
        runtime(self.runner.environment).mark_started(time.time())

    def tick(self) -> tuple[int, float] | None:
        """Target users and spawn rate now, or None when the stair is over (or never began)."""
        if runtime(self.runner.environment).extras.get("init_failed"):
            return None
        context = run_context(self.runner.environment)
        if context.arrivals is not None:  # one scheduler user per process (loadgen.arrivals)
            if self.get_run_time() >= context.arrivals.total_seconds:
                return None
            drivers = _processes(self.runner.environment)
            return drivers, float(drivers)
        return _as_tick(
            stage_at(
                run_context(self.runner.environment).stairs, self.get_run_time() + TICK_LEAD_SECONDS
            )
        )


def _processes(environment: object) -> int:
    """Load-generator processes: the workers the master expects, else this one."""
    options = getattr(environment, "parsed_options", None)
    workers = (
        int(getattr(options, "expect_workers", 0) or 0) if getattr(options, "master", False) else 0
    )
    return max(1, workers)


def _as_tick(stage: Stage | None) -> tuple[int, float] | None:
    return None if stage is None else (stage.users, stage.spawn_rate)
