"""Locust's CSV writer greenlet after the files are closed (stairload.loadgen.locust_csv).

Locust closes its CSV files at exit without stopping the greenlet that writes them; a
switch before the process ends woke it once to write into a closed file (a traceback in a
two-worker open run). Each case runs in its own interpreter: importing Locust patches the
standard library with gevent, which this test process must not get.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A real Locust environment and CSV writer; the writer runs, the files are closed, and the
# writer's next wake-up (1 s later) comes while the process is still alive.
_SCRIPT = textwrap.dedent(
    """
    import sys
    import gevent
    import locust.stats
    from locust.env import Environment
    from stairload.loadgen import locust_csv

    if sys.argv[2] == "guarded":
        locust_csv.install()
    environment = Environment()
    environment.create_local_runner()
    writer = locust.stats.StatsCSVFileWriter(
        environment, locust.stats.PERCENTILES_TO_REPORT, sys.argv[1], full_history=True
    )
    greenlet = gevent.spawn(writer.stats_writer)
    gevent.sleep(0.2)  # it wrote its header rows and sleeps until its next second
    writer.close_files()
    gevent.sleep(1.5)  # past that second
    print("writer:", type(greenlet.exception).__name__ if greenlet.exception else "stopped")
    """
)


def _after_close(tmp_path: Path, which: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(tmp_path / "locust"), which],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def test_locusts_own_writer_writes_into_its_closed_files(tmp_path: Path) -> None:
    """The defect the guard exists for, shown on Locust itself (so the test below can fail)."""
    assert _after_close(tmp_path, "plain") == "writer: ValueError"


def test_the_guarded_writer_stops_when_its_files_close(tmp_path: Path) -> None:
    """No write into a closed file, no traceback: the writer ends with the files."""
    assert _after_close(tmp_path, "guarded") == "writer: stopped"
    assert (tmp_path / "locust_stats_history.csv").read_text().startswith("Timestamp,")
