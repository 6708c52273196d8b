"""Requests per Locust CPU-second: declarative scenario 2, the hand-written one, a bare user.

Starts ``stairload target`` pinned to CPU 0 (taskset -c 0) on a fresh database in a
temporary folder, then runs Locust headless pinned to CPU 1, once per user class, on
127.0.0.1: scenario 2's declarative steps from ``scenarios.yaml`` (the generic journey
user of ``locustfiles/stress.py``, with its interval recorder and status line), the same
journey hand-written in Python (``benchmarks/handwritten_scenario2.py``, run under the
same listeners through ``--user-locustfile``), and ``benchmarks/bare_user.py`` (one
authenticated ``GET /trips/[id]``, no listeners). The Locust process's CPU seconds come
from getrusage(RUSAGE_CHILDREN) around each run, its request count from the
``Aggregated`` row of its stats CSV. Goal: the declarative journey reaches at least 0.9
of the hand-written one's requests per CPU-second.
Usage: .venv/bin/python benchmarks/bench_loadgen.py [--seconds 15] [--users 50]
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from stairload.target.testing import call, launch_target

GOAL_RATIO = 0.9
_ROOT = Path(__file__).resolve().parent.parent
_STRESS = _ROOT / "locustfiles" / "stress.py"
_BARE = _ROOT / "benchmarks" / "bare_user.py"
_HANDWRITTEN = _ROOT / "benchmarks" / "handwritten_scenario2.py"
_SCENARIO2 = "declarative scenario2"
_HAND = "hand-written scenario2"
_BARE_NAME = "bare GET /trips/[id]"
# Extra wall time a run may take past its planned length before it is killed.
_GRACE_SECONDS = 60


@dataclass(frozen=True)
class _Run:
    """One Locust run: what it sent and what it cost."""

    requests: int
    failures: int
    wall_seconds: float
    cpu_seconds: float
    target_cpu_seconds: float
    exit_code: int

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.wall_seconds if self.wall_seconds else 0.0

    @property
    def requests_per_cpu_second(self) -> float:
        return self.requests / self.cpu_seconds if self.cpu_seconds else 0.0


def _machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {model}"


def _commands(
    host: str, prefix: Path, args: argparse.Namespace, seconds: int
) -> dict[str, list[str]]:
    """The Locust command line of each user class, all pinned to CPU 1 and time-bounded."""
    base = ["taskset", "-c", "1", sys.executable, "-m", "locust", "--headless", "--host", host]
    base += ["--only-summary", "--target-users", str(args.target_users)]
    users = str(args.users)
    stair = ["-t", f"{seconds + 10}s"]  # a safety bound: the stair shape ends the run first
    stair += ["--scenario", "scenario2", "--shape", "stairs", "--spawn-rate", users]
    stair += ["--start-users", users, "--end-users", users, "--step-users", users]
    stair += ["--step-seconds", str(seconds), "--hold-seconds", str(seconds)]
    declarative = [*base, "-f", str(_STRESS), "--csv", f"{prefix}-declarative", *stair]
    hand = [*base, "-f", f"{_STRESS},{_HANDWRITTEN}", "--csv", f"{prefix}-hand", *stair]
    hand += ["--user-locustfile", str(_HANDWRITTEN)]
    bare = [*base, "-f", str(_BARE), "--csv", f"{prefix}-bare", "-t", f"{seconds + 1}s"]
    bare += ["-u", users, "-r", users]
    return {_SCENARIO2: declarative, _HAND: hand, _BARE_NAME: bare}


def _aggregated(stats_csv: Path) -> tuple[int, int]:
    """(Request Count, Failure Count) of the Aggregated row of a Locust stats CSV."""
    with stats_csv.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                return int(row["Request Count"]), int(row["Failure Count"])
    raise SystemExit(f"bench_loadgen: no Aggregated row in {stats_csv}")


def _run(command: list[str], log: Path, base_url: str, seconds: int) -> _Run:
    """Run Locust to the end and measure its CPU (user + sys), wall time and request count."""
    stats_csv = Path(command[command.index("--csv") + 1] + "_stats.csv")
    target_before = _target_cpu_seconds(base_url)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    with log.open("wb") as output:
        result = subprocess.run(
            command, stdout=output, stderr=subprocess.STDOUT, timeout=seconds + _GRACE_SECONDS
        )
    wall_seconds = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    target_cpu = _target_cpu_seconds(base_url) - target_before
    cpu_seconds = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if not stats_csv.exists():
        tail = log.read_text(errors="replace")[-3000:]
        raise SystemExit(
            f"bench_loadgen: Locust wrote no stats (exit {result.returncode}):\n{tail}"
        )
    requests, failures = _aggregated(stats_csv)
    return _Run(requests, failures, wall_seconds, cpu_seconds, target_cpu, result.returncode)


def _target_cpu_seconds(base_url: str) -> float:
    return float(call(base_url, "GET", "/metrics")[1]["cpu_seconds"])


def _total(runs: list[_Run]) -> _Run:
    """All rounds of one class as a single run (sums), so the ratio weighs every request."""
    return _Run(
        requests=sum(run.requests for run in runs),
        failures=sum(run.failures for run in runs),
        wall_seconds=sum(run.wall_seconds for run in runs),
        cpu_seconds=sum(run.cpu_seconds for run in runs),
        target_cpu_seconds=sum(run.target_cpu_seconds for run in runs),
        exit_code=max(run.exit_code for run in runs),
    )


def _print_table(rounds: dict[str, list[_Run]], args: argparse.Namespace) -> None:
    print(f"target_app on CPU 0 (taskset -c 0), {args.target_users:,} seeded users;")
    print(f"Locust on CPU 1 (taskset -c 1), {args.users} users, {args.seconds} s plateau,")
    print(f"{args.rounds} interleaved rounds after a {args.warmup_seconds} s warm-up, 127.0.0.1")
    print(_machine())
    header = f"{'class':22} {'requests':>9} {'fails':>6} {'wall s':>7} {'CPU s':>6} {'req/s':>7}"
    print(f"{header} {'req/CPU-s':>10} {'per round':>13} {'target CPU s':>12}")
    for name, runs in rounds.items():
        total = _total(runs)
        per_round = [round(run.requests_per_cpu_second) for run in runs]
        spread = f"{min(per_round):,}-{max(per_round):,}"
        print(
            f"{name:22} {total.requests:>9,} {total.failures:>6,} {total.wall_seconds:>7.1f}"
            f" {total.cpu_seconds:>6.2f} {total.requests_per_second:>7,.0f}"
            f" {total.requests_per_cpu_second:>10,.0f} {spread:>13}"
            f" {total.target_cpu_seconds:>12.2f}"
        )


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15, help="plateau length per run")
    parser.add_argument("--rounds", type=int, default=2, help="runs per class, interleaved")
    parser.add_argument("--warmup-seconds", type=int, default=15, help="uncounted first run")
    parser.add_argument("--users", type=int, default=50, help="Locust users per run")
    parser.add_argument("--target-users", type=int, default=2000, help="seeded target users")
    return parser.parse_args(argv)


def _measure(base_url: str, directory: Path, args: argparse.Namespace) -> dict[str, list[_Run]]:
    """A warm-up scenario 2 run (a cold target answers slower), then the rounds, interleaved."""
    warmup = _commands(base_url, directory / "warmup", args, args.warmup_seconds)[_SCENARIO2]
    _run(warmup, directory / "warmup.log", base_url, args.warmup_seconds)
    rounds: dict[str, list[_Run]] = {_SCENARIO2: [], _HAND: [], _BARE_NAME: []}
    for number in range(1, args.rounds + 1):
        prefix = directory / f"round{number}"
        for name, command in _commands(base_url, prefix, args, args.seconds).items():
            log = directory / f"round{number}-{name.split()[0].replace('-', '')}.log"
            rounds[name].append(_run(command, log, base_url, args.seconds))
    return rounds


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    if shutil.which("taskset") is None or len(os.sched_getaffinity(0)) < 2:
        print("bench_loadgen: needs taskset and at least 2 CPUs", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-loadgen-") as folder:
        directory = Path(folder)
        target = launch_target(
            directory, users=args.target_users, command_prefix=("taskset", "-c", "0")
        )
        try:
            rounds = _measure(target.base_url, directory, args)
        finally:
            target.stop()
    _print_table(rounds, args)
    scenario2, hand = _total(rounds[_SCENARIO2]), _total(rounds[_HAND])
    bare = _total(rounds[_BARE_NAME])
    ratio = scenario2.requests_per_cpu_second / hand.requests_per_cpu_second
    verdict = "met" if ratio >= GOAL_RATIO else "MISSED"
    print(
        f"ratio {_SCENARIO2} / {_HAND}, req per CPU-second: {ratio:.2f} "
        f"(goal >= {GOAL_RATIO}): {verdict}"
    )
    print(
        f"ratio {_SCENARIO2} / bare: "
        f"{scenario2.requests_per_cpu_second / bare.requests_per_cpu_second:.2f} (for reference)"
    )
    runs = (scenario2, hand, bare)
    return 1 if any(run.requests == 0 or run.failures for run in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
