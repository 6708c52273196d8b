"""Wall time of `capacity what-if --dau 45000`, started fresh each run (goal < 0.3 s).

Run with `make bench`, or `.venv/bin/python benchmarks/bench_cli.py [RUNS]`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

GOAL_SECONDS = 0.3
DEFAULT_RUNS = 20
_REPO_ROOT = Path(__file__).resolve().parents[1]
_COMMAND = ("what-if", "--dau", "45000")
_CAPACITY = str(Path(sys.executable).with_name("capacity"))  # the console script a user runs


def _one_run() -> float:
    """Seconds from starting the interpreter to its exit, for one what-if."""
    started = time.perf_counter()
    subprocess.run(
        [_CAPACITY, *_COMMAND],
        cwd=_REPO_ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main(runs: int = DEFAULT_RUNS) -> int:
    """Time ``runs`` what-if invocations; print median and max; exit 1 if the median misses."""
    _one_run()  # warm the file cache and the .pyc files; not counted
    times = [_one_run() for _ in range(runs)]
    median = statistics.median(times)
    print(
        f"{' '.join(_COMMAND)}: median {median:.3f} s, max {max(times):.3f} s "
        f"over {runs} runs (goal < {GOAL_SECONDS} s)"
    )
    return 0 if median < GOAL_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main(int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_RUNS))
