"""A stair over three namespaced hosts: the target and the master on one, a worker on each other."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netns import Network

ROOT = Path(__file__).resolve().parents[2]
PROBE = str(Path(__file__).with_name("probe.py"))
TARGET_PORT = 8080
HOSTS = ["master", "worker1", "worker2"]


@dataclass
class MultiHostRun:
    """The running processes of one run and where its files go."""

    net: Network
    run_dir: Path
    master: subprocess.Popen[str]
    workers: dict[str, subprocess.Popen[bytes]]

    def wait(self, timeout_s: float = 150) -> tuple[int, str]:
        """The master's exit code and output once it ends (killed past ``timeout_s``)."""
        try:
            output, _ = self.master.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.master.kill()
            output, _ = self.master.communicate()
            raise AssertionError(f"the master did not finish in {timeout_s} s:\n{output}") from None
        return self.master.returncode, output

    def seconds_written(self) -> int:
        """How many seconds intervals.csv holds so far."""
        path = self.run_dir / "intervals.csv"
        if not path.exists():
            return 0
        return sum(1 for row in _rows(path) if row["name"] == "Total")


def start_target(net: Network, directory: Path) -> str:
    """The embedded target on the master host, bound to its bridge address; its base URL."""
    address = net["master"].address
    directory.mkdir(parents=True, exist_ok=True)
    net.popen(
        "master",
        [
            sys.executable,
            "-m",
            "stairload",
            "target",
            "--host",
            address,
            "--port",
            str(TARGET_PORT),
            "--users",
            "300",
            "--db",
            str(directory / "target.db"),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://{address}:{TARGET_PORT}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        answer = net.run("master", [sys.executable, PROBE, "get", f"{url}/health", "1"])
        if answer.stdout.strip() == "200":
            return url
        time.sleep(0.3)
    raise AssertionError("the target did not start on the master host")


def start_run(net: Network, run_dir: Path, target_url: str, stair: list[str]) -> MultiHostRun:
    """``stairload run`` as master on the master host, ``stairload worker`` on the two others."""
    master_address = net["master"].address
    master = net.popen(
        "master",
        [
            sys.executable,
            "-m",
            "stairload",
            "run",
            "scenario2",
            "--no-probes",
            "--host",
            target_url,
            "--master-bind-host",
            master_address,
            "--expect-workers",
            "2",
            "--expect-workers-timeout",
            "60",
            "--run-dir",
            str(run_dir),
            *stair,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    workers = {}
    for name in ("worker1", "worker2"):
        # The child keeps its own copy of the descriptor, so the file can be closed here.
        with (run_dir.parent / f"{run_dir.name}-{name}.log").open("wb") as log:
            workers[name] = net.popen(
                name,
                [sys.executable, "-m", "stairload", "worker", "--master", master_address],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
    return MultiHostRun(net, run_dir, master, workers)


def totals(run_dir: Path) -> list[dict[str, str]]:
    """The Total rows of intervals.csv."""
    return [row for row in _rows(run_dir / "intervals.csv") if row["name"] == "Total"]


def run_json(run_dir: Path) -> dict[str, Any]:
    """run.json."""
    return json.loads((run_dir / "run.json").read_text(encoding="utf-8"))


def locust_total_requests(run_dir: Path) -> int:
    """The request count of Locust's own Aggregated row."""
    rows = _rows(run_dir / "locust_stats.csv")
    return next(int(row["Request Count"]) for row in rows if row["Name"] == "Aggregated")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
