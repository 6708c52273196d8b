"""``stairload worker --master HOST[:PORT]``: one Locust worker for a master elsewhere.

Run it from a checkout of the same commit on any machine that reaches the master (port
5557 by default) and the target. The worker takes the scenario, the scales and the stair
from the master; the master refuses it, and it exits 2, when its code or its scenarios
file differs from the master's (``stairload.loadgen.handshake``).
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from stairload.core import exitcodes
from stairload.core.commandline import Parser
from stairload.core.errors import UsageError
from stairload.options import SCENARIOS
from stairload.run.locust_processes import LOCUSTFILE

DEFAULT_MASTER_PORT = 5557
# Locust's worker gives up after a few minutes without its master and exits with -1 (255).
_LOCUST_NO_MASTER = 255


def build_parser() -> argparse.ArgumentParser:
    """The worker's options: where the master is, and this machine's scenarios file."""
    parser = Parser(
        prog="stairload worker",
        description="Start one Locust worker for a stairload master on another machine; "
        "the scenario, scales and stair come from the master.",
    )
    parser.add_argument("--master", required=True, help="the master's HOST or HOST:PORT")
    SCENARIOS.add_to(parser, help=f"{SCENARIOS.help}; must equal the master's (hash checked)")
    return parser


def master_address(text: str) -> tuple[str, int]:
    """``HOST[:PORT]`` as (host, port); raises ValueError with the reason."""
    host, _, port = text.rpartition(":") if ":" in text else (text, "", "")
    if not host:
        raise ValueError(f"--master: expected HOST or HOST:PORT (got {text!r})")
    if not port:
        return host, DEFAULT_MASTER_PORT
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"--master: port must be 1-65535 (got {port!r})")
    return host, int(port)


def worker_command(host: str, port: int, scenarios: str) -> list[str]:
    """The Locust command line of one worker."""
    return [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--worker",
        "--master-host",
        host,
        "--master-port",
        str(port),
        "--scenarios",
        scenarios,
    ]


def run_worker(argv: Sequence[str] | None = None) -> int:
    """Run the worker until its master ends the run; return the exit code."""
    args = build_parser().parse_args(argv)
    try:
        host, port = master_address(args.master)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if not Path(args.scenarios).is_file():
        raise UsageError(f"--scenarios: no such file (got {args.scenarios!r})")
    print(f"[stairload] worker for the master at {host}:{port}", flush=True)
    process = subprocess.Popen(worker_command(host, port, args.scenarios))
    try:
        code = process.wait()
    except KeyboardInterrupt:
        process.send_signal(signal.SIGINT)
        process.wait()
        return exitcodes.INTERRUPTED
    if code == _LOCUST_NO_MASTER:
        print(f"Error: no master answered at {host}:{port}", file=sys.stderr)
        return exitcodes.TARGET_UNREACHABLE
    return code
