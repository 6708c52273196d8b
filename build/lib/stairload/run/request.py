"""A checked run, as one frozen object: what every part of the runner reads by attribute.

``stairload run`` (and ``stairload scaleout run``) parse the command line, check it
(``stairload.run.arguments``), resolve ``--workers auto`` and the run directory, and make
one ``RunSpec``; nothing after that reads the parser's namespace. The Locust processes get
``spec.options`` whole, as the JSON of ``--run-spec``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from stairload.loadgen.context import RunContext
from stairload.options import RunOptions


@dataclass(frozen=True, kw_only=True)
class RunSpec:
    """The runner's settings: the run options, and what only the runner needs.

    No field has a default: the parser (``stairload.run.arguments``) holds the defaults.
    """

    options: RunOptions  # what every Locust process reads too; options.run_dir is the one home
    host: str | None  # None: start the embedded target
    workers: int  # local Locust workers (0: one process); --workers auto resolved
    target_workers: int  # the embedded target's server workers
    workers_reason: str
    master_bind_host: str
    master_port: int
    expect_workers: int
    expect_workers_timeout: int
    target_pid: int | None
    target_cpu_prometheus: str | None
    query: str | None
    target_cpus: float | None
    full_stats: bool
    generator_cpu_limit: float
    no_report: bool
    fail_exit_code: int

    @property
    def run_dir(self) -> Path:
        """The run directory (made before the spec)."""
        return Path(self.options.run_dir)

    @property
    def all_workers(self) -> int:
        """Locust workers of the run: local ones and those from other machines."""
        return self.workers + self.expect_workers


@dataclass(frozen=True)
class RunRequest:
    """A checked run: the loaded context and the spec."""

    context: RunContext
    spec: RunSpec

    @property
    def run_dir(self) -> Path:
        """Where the run goes."""
        return self.spec.run_dir
