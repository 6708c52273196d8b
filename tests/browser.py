"""Headless Chromium for the tests that load a page: where it is, how it starts, and the skip.

``make chromium`` installs Debian's chromium; playwright (the dev extra) drives it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def need_browser() -> None:
    """Fail in CI (CI=true) when Chromium or playwright is missing; skip locally."""
    missing = None
    if not CHROMIUM.exists():
        missing = f"{CHROMIUM} not found (run: make chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401  (only checking that it imports)
        except ImportError:
            missing = "playwright is not installed (pip install -e '.[dev]')"
    if missing and os.environ.get("CI") == "true":
        pytest.fail(missing)
    if missing:
        pytest.skip(missing)
