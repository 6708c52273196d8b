"""``make bench-loadgen`` at a tiny scale, so the benchmark cannot rot between full runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ("stairload", "bare-locust", "k6")
TINY = ["--seconds", "2", "--rounds", "1", "--shapes", "single-get-saturated", "--users", "5"]
TINY += ["--warmup-seconds", "0", "--target-users", "20"]


@pytest.fixture(scope="module")
def tiny_run() -> subprocess.CompletedProcess[str]:
    """One round of the single GET, 2 s per tool (k6 missing makes it exit non-zero)."""
    return subprocess.run(
        [sys.executable, "benchmarks/bench_loadgen.py", *TINY],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_tiny_benchmark_succeeds(tiny_run: subprocess.CompletedProcess[str]) -> None:
    """Every tool ran, the target answered every request, and nothing failed."""
    assert tiny_run.returncode == 0, tiny_run.stdout[-3000:] + tiny_run.stderr[-3000:]


def _table(stdout: str, title: str) -> list[list[str]]:
    """The cells of the Markdown table printed under the line starting with ``title``."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    rows = []
    for line in lines[start + 1 :]:
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
        elif rows:
            break
    return rows[2:]  # below the header and the --- line


def test_every_tool_has_a_row_of_medians(tiny_run: subprocess.CompletedProcess[str]) -> None:
    """The medians table has one row per tool, each with requests the target counted."""
    rows = _table(tiny_run.stdout, "Medians over 1 round")
    assert [(row[0], row[1]) for row in rows] == [("single-get-saturated", t) for t in TOOLS]
    for row in rows:
        assert int(row[2].replace(",", "")) > 0, row


def test_ratios_compare_stairload_with_both_peers(
    tiny_run: subprocess.CompletedProcess[str],
) -> None:
    """The ratio table divides stairload's medians by bare Locust's and by k6's."""
    rows = _table(tiny_run.stdout, "Ratios of the medians")
    assert [row[1] for row in rows] == ["bare-locust", "k6"]
    assert all(cell.endswith("x") for row in rows for cell in row[2:]), rows


def test_header_names_the_machine_and_command(tiny_run: subprocess.CompletedProcess[str]) -> None:
    """The output starts with the command, the machine and the load average."""
    head = tiny_run.stdout[:2000]
    for expected in ("- command: `python benchmarks/bench_loadgen.py --seconds 2", "- machine: ",
                     "- load average at start (1, 5, 15 min): "):  # fmt: skip
        assert expected in head
