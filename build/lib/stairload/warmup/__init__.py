"""Warm a fresh host up with real journeys before its health check lets traffic in."""

from stairload.warmup.health import wait_until_up
from stairload.warmup.replay import ReplayResult, replay

__all__ = ["ReplayResult", "replay", "wait_until_up"]
