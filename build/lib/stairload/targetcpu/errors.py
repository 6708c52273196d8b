"""The one error of this package: a CPU source that cannot be used (exit 2, one line)."""

from __future__ import annotations

from stairload.core.errors import UsageError


class TargetCpuError(UsageError):
    """A CPU source that cannot be read: no such process, bad URL, Prometheus error."""
