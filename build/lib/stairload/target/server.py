"""Seed the database, then serve the app with granian until SIGTERM or Ctrl-C.

granian (a Rust HTTP server for ASGI apps) did ~1.55x the requests/s of uvicorn with
uvloop and httptools on one core for the same Starlette app (benchmarks/
bench_target_servers.py). Its main process owns the socket and forwards SIGTERM to the
workers, which finish their in-flight requests, run the app's lifespan shutdown (closing
the database) and exit; the main process then exits with 0.
"""

from __future__ import annotations

import contextlib
import os
import resource
import sys
import threading
import time
import urllib.error
import urllib.request

from granian.constants import Interfaces, Loops
from granian.log import LogLevels
from granian.server import Server

from stairload.target.config import STOP_GRACE_SECONDS, ServerConfig
from stairload.target.db import create_database

READY_TIMEOUT_SECONDS = 60.0


def serve(config: ServerConfig) -> None:
    """Create and seed the database, serve until a stop signal, return when all is closed."""
    started = time.monotonic()
    create_database(config.db_path, config.users)
    seeded_seconds = time.monotonic() - started
    os.environ.update(config.worker_env())
    _raise_open_files_limit()
    server = Server(
        "stairload.target.asgi:app_from_env",
        address=config.host,
        port=config.port,
        interface=Interfaces.ASGI,
        workers=config.workers,
        factory=True,
        websockets=False,
        loop=Loops.auto,
        backlog=4096,
        log_level=LogLevels.warning,
        workers_kill_timeout=STOP_GRACE_SECONDS,
    )
    threading.Thread(
        target=_announce_when_ready, args=(config, seeded_seconds), daemon=True
    ).start()
    server.serve()


def _raise_open_files_limit() -> None:
    """Lift the soft limit on open files to the hard one: a 2,100-user run holds 2,100 sockets."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or soft < hard):
        with contextlib.suppress(ValueError, OSError):  # then keep the soft limit
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _announce_when_ready(config: ServerConfig, seeded_seconds: float) -> None:
    """Print the ready line once the server answers /health (200, or 503 warming up)."""
    host = f"[{config.host}]" if ":" in config.host else config.host
    base_url = f"http://{host}:{config.port}"
    probe_host = "127.0.0.1" if config.host in ("0.0.0.0", "") else host
    probe_host = "[::1]" if config.host == "::" else probe_host
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{probe_host}:{config.port}/health", timeout=1):
                break
        except urllib.error.HTTPError:
            break  # 503 while warming up: serving, just not healthy yet
        except OSError:
            time.sleep(0.05)
    else:
        print(f"target_app: no answer on {base_url} after {READY_TIMEOUT_SECONDS} s", flush=True)
        return
    gate = ", waiting for POST /warmup/complete" if config.require_warmup else ""
    print(
        f"target_app: listening on {base_url} (db {config.db_path}, {config.users} users, "
        f"{config.workers} worker{'s' if config.workers > 1 else ''}, "
        f"seeded in {seeded_seconds:.1f} s{gate})",
        file=sys.stdout,
        flush=True,
    )
