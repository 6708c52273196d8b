"""Which of the Locust master's output lines reach the console; all of them go to locust.log.

By default the console shows stairload's own lines (the status line, step changes,
generator warnings, alarms) and any warning or error from anyone; Locust's routine INFO
lines and its end-of-run tables stay in ``locust.log`` and the report. ``--full-stats``
shows everything.
"""

from __future__ import annotations

import re

_LOG_LINE = re.compile(r"^\[[^\]]+\] [^/\s]+/(?P<level>[A-Z]+)/(?P<logger>[\w.]+):")
_LOUD_LEVELS = ("WARNING", "ERROR", "CRITICAL")


def console_worthy(line: str) -> bool:
    """Whether a master output line belongs on the console by default."""
    if line.startswith(("[stairload]", "Error:", "Traceback")):
        return True
    match = _LOG_LINE.match(line)
    if match is None:
        return False
    logger = match["logger"]
    return (
        match["level"] in _LOUD_LEVELS
        or logger == "stairload"
        or logger.startswith(("stairload.", "alarms"))
    )
