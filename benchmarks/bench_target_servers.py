"""Compare ASGI servers for the embedded target: requests/s on one core, wrk on the other.

Runs the same minimal Starlette app (benchmarks/bench_target_servers_app.py) under each
server, pinned to CPU 0 with taskset, and drives it from wrk pinned to CPU 1 on loopback.
Usage: .venv/bin/python benchmarks/bench_target_servers.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_BIN = Path(sys.executable).parent
_APP = "bench_target_servers_app:app"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _servers(port: int) -> dict[str, list[str]]:
    common = ["--host", "127.0.0.1", "--port", str(port)]
    return {
        "uvicorn (uvloop, httptools)": [
            str(_BIN / "uvicorn"), _APP, *common, "--app-dir", str(_HERE),
            "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning",
        ],
        "granian (asgi)": [
            str(_BIN / "granian"), "--interface", "asgi", *common, "--working-dir", str(_HERE),
            "--no-ws", "--log-level", "warning", _APP,
        ],
    }  # fmt: skip


def _wait_ready(url: str, deadline_seconds: float = 15.0) -> None:
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server did not answer {url} within {deadline_seconds} s")


def _wrk(url: str, seconds: int, connections: int) -> float:
    out = subprocess.run(
        ["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if match is None or "Non-2xx" in out or "Socket errors" in out:
        raise SystemExit(f"wrk run failed or saw errors:\n{out}")
    return float(match.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    print(f"{'server':30} {'GET /ping req/s':>16} {'GET /items/[id] req/s':>22}")
    port = _free_port()
    for name, command in _servers(port).items():
        server = subprocess.Popen(["taskset", "-c", "0", *command])
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_ready(f"{base}/ping")
            ping = _wrk(f"{base}/ping", args.seconds, args.connections)
            row = _wrk(f"{base}/items/4242", args.seconds, args.connections)
        finally:
            server.terminate()
            server.wait(timeout=15)
        print(f"{name:30} {ping:>16,.0f} {row:>22,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
