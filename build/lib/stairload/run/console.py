"""Which of the Locust master's output lines reach the console; all of them go to locust.log.

By default the console shows stairload's own lines (the status line, step changes,
generator warnings, alarms) and any warning or error from anyone; Locust's routine INFO
lines and its end-of-run tables stay in ``locust.log`` and the report. ``--full-stats``
shows everything. ``follow`` echoes the master's log file to the console as it grows.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

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


def follow(log_path: Path, process: subprocess.Popen[str], quiet: bool) -> None:
    """Echo the master's log file to the console, whole lines, until the master exits.

    ``quiet`` echoes only the lines worth a console (``console_worthy``).
    """

    def echo(line: str) -> None:
        if line and (not quiet or console_worthy(line)):
            sys.stdout.write(line)
            sys.stdout.flush()

    with log_path.open(encoding="utf-8", errors="replace") as log:
        pending = ""
        while True:
            chunk = log.readline()
            if chunk:
                pending += chunk
                if pending.endswith("\n"):
                    echo(pending)
                    pending = ""
                continue
            if process.poll() is not None:
                for line in (pending + log.read()).splitlines(keepends=True):
                    echo(line)
                return
            time.sleep(0.1)
