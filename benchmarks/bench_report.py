"""Time and peak memory of ``stairload report build`` on a generated 24-hour run.

86,400 intervals x 10 request names (950,400 rows of intervals.csv, about 150 MB with
the per-second histograms). Goal: under 30 s and under 500 MB peak RSS. The build runs
in a subprocess so its peak RSS is read from resource.getrusage(RUSAGE_CHILDREN)
(ru_maxrss is in KiB on Linux).
"""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "reports"))
from synthetic import day_run, write_run

from stairload.rundir import INTERVALS_CSV

GOAL_SECONDS = 30.0
GOAL_MB = 500.0


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main() -> int:
    """Generate the run, build its report in a subprocess, print time and peak RSS."""
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        run_dir = write_run(Path(tmp) / "day-run", day_run())
        rows = sum(1 for _ in (run_dir / INTERVALS_CSV).open()) - 1
        size_mb = (run_dir / INTERVALS_CSV).stat().st_size / 1e6
        command = [sys.executable, "-m", "stairload", "report", "build", str(run_dir)]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if done.returncode not in (0, 99):
        print(done.stderr, file=sys.stderr)
        return 1
    print(
        f"input: 86,400 intervals x 10 request names ({rows:,} rows of intervals.csv, "
        f"{size_mb:.0f} MB)"
    )
    print(f"machine: {_cpu_model()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"build wall time: {seconds:.2f} s (goal < {GOAL_SECONDS:g} s)")
    print(f"build peak RSS: {peak_mb:.0f} MB (goal < {GOAL_MB:g} MB)")
    ok = seconds < GOAL_SECONDS and peak_mb < GOAL_MB
    print("within goal" if ok else "OVER GOAL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
