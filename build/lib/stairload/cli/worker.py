"""``stairload worker --master HOST[:PORT]``: one Locust worker for a master elsewhere."""

from __future__ import annotations

from collections.abc import Sequence

from stairload.core.commandline import run_cli
from stairload.run.remote_worker import run_worker


def main(argv: Sequence[str] | None = None) -> int:
    """Run one worker until its master ends the run; return its exit code."""
    return run_cli(lambda args: run_worker(list(args or [])), argv)
