"""Command line of the target: parse and check options, then call server.serve.

A bad option prints one line naming the option, the value and what is allowed, and exits 2.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from collections.abc import Sequence
from pathlib import Path

from stairload.core.argtypes import whole_in
from stairload.core.commandline import Parser, run_cli
from stairload.target.config import DEFAULT_DB, SEEDED_USERS, ServerConfig

MAX_USERS = 1_000_000
MAX_WORKERS = 16


def _host(raw: str) -> str:
    if raw == "localhost":
        return raw
    try:
        ipaddress.ip_address(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be an IP address such as 127.0.0.1 or localhost (got {raw!r})"
        ) from None
    return raw


def _db_path(raw: str) -> Path:
    path = Path(raw)
    if not raw or path.is_dir():
        raise argparse.ArgumentTypeError(f"must be a file path, not a folder (got {raw!r})")
    return path


def _parser() -> Parser:
    parser = Parser(
        prog="stairload target",
        description="Serve the embedded travel-planner target (docs/target-api.md).",
    )
    parser.add_argument("--host", type=_host, default="127.0.0.1", help="address to bind")
    parser.add_argument("--port", type=whole_in(1, 65535), default=8080)
    parser.add_argument(
        "--db",
        type=_db_path,
        default=DEFAULT_DB,
        help=f"SQLite file, recreated and seeded at start (default {DEFAULT_DB})",
    )
    parser.add_argument(
        "--users",
        type=whole_in(1, MAX_USERS),
        default=SEEDED_USERS,
        help=f"seeded users user1..userN (default {SEEDED_USERS})",
    )
    parser.add_argument(
        "--workers",
        type=whole_in(1, MAX_WORKERS),
        default=1,
        help="worker processes (default 1)",
    )
    parser.add_argument(
        "--require-warmup",
        action="store_true",
        help="answer /health with 503 until POST /warmup/complete",
    )
    return parser


def parse_config(argv: Sequence[str]) -> ServerConfig:
    """Turn command-line arguments into a ServerConfig, or raise ``stairload``'s UsageError."""
    args = _parser().parse_args(argv)
    return ServerConfig(
        host=args.host,
        port=args.port,
        db_path=args.db,
        users=args.users,
        require_warmup=args.require_warmup,
        workers=args.workers,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the target; return the exit code (0 after a clean stop)."""
    return run_cli(_run, argv)


def _run(argv: Sequence[str] | None) -> int:
    config = parse_config(sys.argv[1:] if argv is None else argv)
    from stairload.target.server import serve  # imports granian: keep --help and errors fast

    serve(config)
    return 0
