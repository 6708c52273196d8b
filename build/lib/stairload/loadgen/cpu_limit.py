"""The load generator's CPU limit: above it a Locust process is saturated (no Locust import)."""

from __future__ import annotations

import os

CPU_WARNING_PERCENT = 90.0
# Set by ``stairload --generator-cpu-limit`` for the Locust processes it starts (tests use a
# tiny limit to saturate the generator on purpose); unset: CPU_WARNING_PERCENT.
CPU_LIMIT_ENV = "STAIRLOAD_GENERATOR_CPU_LIMIT"


def configured_cpu_limit() -> float:
    """The CPU limit of this process, from CPU_LIMIT_ENV or the default."""
    try:
        value = float(os.environ.get(CPU_LIMIT_ENV, ""))
    except ValueError:
        return CPU_WARNING_PERCENT
    return value if 0 < value <= 100 else CPU_WARNING_PERCENT
