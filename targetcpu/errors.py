"""The one error of this package: a CPU source that cannot be used."""

from __future__ import annotations


class TargetCpuError(ValueError):
    """A CPU source that cannot be read: no such process, bad URL, Prometheus error."""
