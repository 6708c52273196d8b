"""The scale-out errors: members of stairload's one family, so the CLI edge prints one line."""

from __future__ import annotations

from stairload.core.errors import StairloadError


class ScaleoutError(StairloadError):
    """The load balancer or an instance could not do what the group asked."""


class HAProxyError(ScaleoutError):
    """HAProxy is missing, refused its configuration, or its runtime API said no."""


class InstanceError(ScaleoutError):
    """An instance did not start, did not answer, or exited."""
