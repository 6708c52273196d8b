"""Warm a fresh host up with real journeys before its health check lets traffic in."""

from warmup.health import wait_until_up
from warmup.replay import ReplayResult, replay

__all__ = ["ReplayResult", "replay", "wait_until_up"]
