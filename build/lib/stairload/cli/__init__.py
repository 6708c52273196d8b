"""``stairload``: one command, a subcommand per task (``stairload run``, ``stairload report``, ...).

Each subcommand is a module of this package with a ``main(argv)``; it is imported only when
it runs, so ``stairload target`` does not load the report's pandas and matplotlib.
``capacity`` (the plan: what-if, table, stairs, instances) is the other command.
"""

from __future__ import annotations

import difflib
import importlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from stairload.core import exitcodes
from stairload.core.commandline import run_cli
from stairload.core.errors import UsageError


@dataclass(frozen=True)
class Subcommand:
    """One user task: its name, the module whose ``main(argv)`` runs it, one line of help."""

    name: str
    module: str
    summary: str


SUBCOMMANDS = (
    Subcommand(
        "run",
        "stairload.cli.run",
        "climb a scenario's stair against the embedded target or --host, then report",
    ),
    Subcommand("report", "stairload.cli.report", "build a run's report again, or compare runs"),
    Subcommand("worker", "stairload.cli.worker", "one Locust worker for a master elsewhere"),
    Subcommand("scaleout", "stairload.cli.scaleout", "rehearse a scale-out behind HAProxy"),
    Subcommand("alarms", "stairload.cli.alarms", "list, evaluate and post the alarm rules"),
    Subcommand("warmup", "stairload.cli.warmup", "replay real journeys on a host before it serves"),
    Subcommand("target", "stairload.cli.target", "serve the embedded target in the foreground"),
    Subcommand(
        "import", "stairload.cli.importer", "turn a browser recording (HAR) into journey steps"
    ),
)
_BY_NAME = {command.name: command for command in SUBCOMMANDS}


def usage() -> str:
    """The top-level help: every subcommand with its line."""
    width = max(len(command.name) for command in SUBCOMMANDS)
    lines = [
        "usage: stairload [-h] [--version] COMMAND [ARGS...]",
        "",
        "From business numbers to a stress test, a report you can trust and a decision.",
        "",
        "commands:",
        *(f"  {command.name:<{width}}  {command.summary}" for command in SUBCOMMANDS),
        "",
        "'stairload COMMAND --help' lists a command's options.",
        "The plan itself (what-if, table, stairs, instances) is the 'capacity' command.",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``stairload ARGS``; return the exit code of the subcommand it names."""
    return run_cli(_run, argv)


def _run(argv: Sequence[str] | None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print(usage(), file=sys.stderr)
        return exitcodes.USAGE
    first, rest = args[0], args[1:]
    if first in ("-h", "--help"):
        print(usage())
        return exitcodes.OK
    if first == "--version":
        print(f"stairload {_version()}")
        return exitcodes.OK
    command = _BY_NAME.get(first)
    if command is None:
        close = difflib.get_close_matches(first, list(_BY_NAME), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        known = ", ".join(_BY_NAME)
        raise UsageError(
            f"stairload: unknown command {first!r} (choose from {known}){hint} "
            "(see 'stairload --help')"
        )
    return int(importlib.import_module(command.module).main(rest))


def _version() -> str:
    try:
        return version("stairload")
    except PackageNotFoundError:  # a source tree that was never installed
        return "unknown"
