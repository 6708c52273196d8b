"""Requests/s of the embedded target on one core: get-trip, create-trip, day plans by distance.

Starts ``stairload target`` pinned to CPU 0 (taskset -c 0) on a fresh 10,000-user
database in a temporary folder, drives it from wrk pinned to CPU 1 on 127.0.0.1, prints a
table and stops the server. Needs wrk and taskset (``make bench-target`` installs wrk).
Usage: .venv/bin/python benchmarks/bench_target.py [--seconds 8] [--connections 64]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from stairload.target.testing import call, launch_target, login

_LUA = Path(__file__).with_name("bench_target.lua")
GOAL_GET_TRIP_RPS = 5000
_GET_TRIP = "get-trip    GET /trips/[id]"


@dataclass(frozen=True)
class _Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_seconds: float
    requests: int


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _cpu_seconds(base_url: str) -> float:
    return float(call(base_url, "GET", "/metrics")[1]["cpu_seconds"])


def _wrk(
    base_url: str,
    path: str,
    token: str,
    seconds: int,
    connections: int,
    method: str = "GET",
    body: object = None,
) -> _Result:
    env = {**os.environ, "BENCH_METHOD": method, "BENCH_TOKEN": token}
    if body is not None:
        env["BENCH_BODY"] = json.dumps(body)
    cpu_before = _cpu_seconds(base_url)
    command = ["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{seconds}s"]
    command += ["--latency", "-s", str(_LUA), f"{base_url}{path}"]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    cpu_seconds = _cpu_seconds(base_url) - cpu_before
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    p50 = re.search(r"50%\s+(\S+)", out)
    p99 = re.search(r"99%\s+(\S+)", out)
    if not (rps and total and p50 and p99):
        raise SystemExit(f"could not read wrk output:\n{out}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = int(non_2xx.group(1)) if non_2xx else 0
    errors += sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    return _Result(
        float(rps.group(1)),
        _ms(p50.group(1)),
        _ms(p99.group(1)),
        errors,
        cpu_seconds,
        int(total.group(1)),
    )


def _print_table(results: dict[str, _Result], connections: int, seconds: int, users: int) -> None:
    print(f"target_app on CPU 0 (taskset -c 0), {users} users; wrk on CPU 1 (taskset -c 1),")
    print(f"1 thread, {connections} connections, {seconds} s per endpoint, 127.0.0.1")
    print(
        f"{'endpoint':45} {'req/s':>8} {'req/CPU-s':>10} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6}"
    )
    for name, result in results.items():
        per_cpu = result.requests / result.cpu_seconds if result.cpu_seconds else float("nan")
        print(
            f"{name:45} {result.requests_per_second:>8,.0f} {per_cpu:>10,.0f}"
            f" {result.p50_ms:>7.2f} {result.p99_ms:>7.2f} {result.errors:>6}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8, help="wrk duration per endpoint")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections")
    parser.add_argument("--users", type=int, default=10_000, help="seeded users")
    args = parser.parse_args()
    for tool in ("wrk", "taskset"):
        if shutil.which(tool) is None:
            print(
                f"bench_target: {tool} is not installed (make bench-target installs wrk)",
                file=sys.stderr,
            )
            return 2
    with tempfile.TemporaryDirectory(prefix="bench-target-") as folder:
        target = launch_target(
            Path(folder), users=args.users, command_prefix=("taskset", "-c", "0")
        )
        try:
            token = login(target.base_url, 1)
            trip = call(target.base_url, "GET", "/trips", token=token)[1]["trips"][0]
            new_trip = {"title": "Bench", "start_date": "2026-07-01", "end_date": "2026-07-03"}
            cases = {
                _GET_TRIP: (f"/trips/{trip['id']}", "GET", None),
                "day-plans   GET /trips/[id]/days/[day]/plans": (
                    f"/trips/{trip['id']}/days/1/plans",
                    "GET",
                    None,
                ),
                "create-trip POST /trips": ("/trips", "POST", new_trip),
            }
            results = {
                name: _wrk(
                    target.base_url, path, token, args.seconds, args.connections, method, body
                )
                for name, (path, method, body) in cases.items()
            }
        finally:
            exit_code = target.stop()
    _print_table(results, args.connections, args.seconds, args.users)
    get_trip = results[_GET_TRIP].requests_per_second
    verdict = "met" if get_trip >= GOAL_GET_TRIP_RPS else "MISSED"
    print(f"goal: get-trip >= {GOAL_GET_TRIP_RPS:,} req/s on one core: {verdict}")
    print(f"server exit code after SIGTERM: {exit_code}")
    failed = exit_code != 0 or any(result.errors for result in results.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
