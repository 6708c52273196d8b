"""The console shows stairload's lines and all warnings; Locust's routine output stays in a log."""

from __future__ import annotations

import pytest

from stairload.run.console import console_worthy


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("[stairload] t=5s step 2/10 measuring | users 13/13 | ...", True),
        ("[2026-11-25 05:57:09,864] vm/INFO/stairload: step 1 of 10: 12 users (t=0s)", True),
        ("[2026-11-25 05:57:09,864] vm/WARNING/stairload: load generator local: CPU 97%", True),
        ("[2026-11-25 05:57:07,850] vm/INFO/locust.main: Starting Locust 2.47.0", False),
        ("[2026-11-25 05:57:07,861] vm/INFO/locust.runners: Ramping to 12 users at 20", False),
        ("[2026-11-25 05:58:07,861] vm/WARNING/locust.runners: CPU usage above 90%!", True),
        ("[2026-11-25 05:58:07,861] vm/ERROR/locust.main: boom", True),
        ("GET      /trips/[id]        6      8      9", False),
        ("Response time percentiles (approximated)", False),
        ("Traceback (most recent call last):", True),
    ],
)
def test_console_filter(line, shown):
    """stairload's own lines and warnings or errors pass; Locust's INFO lines and tables do not."""
    assert console_worthy(line) is shown
