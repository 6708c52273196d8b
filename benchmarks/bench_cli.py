"""CPU and wall time of `capacity what-if --dau 45000`, started fresh each run.

CPU is user + system time of the whole process (interpreter start-up and imports
included), from getrusage of the reaped child; it is steadier than wall time on a shared
machine, but a busy machine still raises it (caches, the other hyperthread), so the load
average is printed beside it. Goals: CPU < 0.15 s, wall < 0.3 s (medians).

Run with `make bench`, or `.venv/bin/python benchmarks/bench_cli.py [RUNS]`.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

CPU_GOAL_SECONDS = 0.15
WALL_GOAL_SECONDS = 0.3
DEFAULT_RUNS = 20
_REPO_ROOT = Path(__file__).resolve().parents[1]
_COMMAND = ("what-if", "--dau", "45000")
_CAPACITY = str(Path(sys.executable).with_name("capacity"))  # the console script a user runs


def _one_run() -> tuple[float, float]:
    """(CPU seconds, wall seconds) from starting the interpreter to its exit, for one what-if."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [_CAPACITY, *_COMMAND],
        cwd=_REPO_ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main(runs: int = DEFAULT_RUNS) -> int:
    """Time ``runs`` what-if invocations; print medians and maxima; exit 1 if a median misses."""
    _one_run()  # warm the file cache and the .pyc files; not counted
    load_before = os.getloadavg()[0]
    cpu, wall = zip(*(_one_run() for _ in range(runs)), strict=True)
    cpu_median, wall_median = statistics.median(cpu), statistics.median(wall)
    print(
        f"{' '.join(_COMMAND)} over {runs} runs (load average {load_before:.2f} before, "
        f"{os.getloadavg()[0]:.2f} after):\n"
        f"  CPU (user + system): median {cpu_median:.3f} s, max {max(cpu):.3f} s "
        f"(goal < {CPU_GOAL_SECONDS} s)\n"
        f"  wall: median {wall_median:.3f} s, max {max(wall):.3f} s (goal < {WALL_GOAL_SECONDS} s)"
    )
    return 0 if cpu_median < CPU_GOAL_SECONDS and wall_median < WALL_GOAL_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main(int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_RUNS))
