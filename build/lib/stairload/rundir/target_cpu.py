"""``target_cpu.csv``: the service's CPU per unix second, read whole (stdlib only).

Lines are ``unix_second,cpu_percent`` (percent of one core) under a header; a second may
appear again when its writer revised it, and the last line for a second wins. Writers:
``stairload.run.target_cpu_feed`` (a process tree: the embedded target or ``--target-pid``)
and ``stairload.run.prometheus_cpu_feed`` (``--target-cpu-prometheus``), one per run.
"""

from __future__ import annotations

from pathlib import Path

from stairload.rundir.files import TARGET_CPU_CSV
from stairload.rundir.ranges import check_number

HEADER = "unix_second,cpu_percent"


def read_target_cpu(run_dir: Path) -> dict[int, float]:
    """{unix second: CPU percent}; empty when the run has no such file."""
    try:
        text = (run_dir / TARGET_CPU_CSV).read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    samples: dict[int, float] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        second, _, value = line.partition(",")
        try:
            unix, percent = int(second), float(value)
        except ValueError:
            continue  # the header, or a line cut short by a crash
        check_number(TARGET_CPU_CSV, number, "unix_second", unix)
        check_number(TARGET_CPU_CSV, number, "cpu_percent", percent)
        samples[unix] = percent
    return samples
