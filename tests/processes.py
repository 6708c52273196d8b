"""Waiting for a process to be gone, for the tests that kill runners and expect no orphan."""

from __future__ import annotations

import time

import psutil


def gone(pid: int, within_seconds: float) -> bool:
    """Whether ``pid`` has exited (or is a zombie) now or within ``within_seconds``."""
    deadline = time.monotonic() + within_seconds
    while True:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
