"""A checked run: its context, its raw options and its run directory."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from stairload.loadgen.context import RunContext


@dataclass(frozen=True)
class RunRequest:
    """A checked run: the context, the raw options, and where the run goes."""

    context: RunContext
    args: argparse.Namespace
    run_dir: Path

    @property
    def target_workers(self) -> int:
        """The embedded target's server workers (``--target-workers``, default 1)."""
        return int(getattr(self.args, "target_workers", 1) or 1)
