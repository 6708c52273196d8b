"""The test webhook's recorder, importable by the alarm tests (conftest holds the fixtures)."""

from __future__ import annotations

import threading
import time
from typing import Any

SECRET_PATH = "/services/T0SECRET/B0SECRET/xoxSecretToken123"


class Webhook:
    """The received posts, and the status the next posts get."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.status = 200
        self.delay_seconds = 0.0
        self.attempts = 0
        self.url = ""
        self._changed = threading.Condition()

    def record(self, path: str, body: dict[str, Any]) -> None:
        with self._changed:
            self.paths.append(path)
            self.posts.append(body)
            self._changed.notify_all()

    def wait_for(self, count: int, timeout_seconds: float = 5.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout_seconds
        with self._changed:
            while len(self.posts) < count and time.monotonic() < deadline:
                self._changed.wait(deadline - time.monotonic())
            return list(self.posts)
