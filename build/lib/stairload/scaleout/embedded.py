"""``python -m stairload.scaleout.embedded --port P --db FILE``: one more embedded-target instance.

``stairload target`` recreates and seeds its database at every start; instances of one
group share a database the group seeded once, so this entry point serves the same
application (``stairload.target.asgi:app_from_env``, one granian worker) on the existing file.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from stairload.core import exitcodes
from stairload.target.config import ServerConfig


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until SIGTERM; 0 after a clean stop, ``exitcodes.USAGE`` for a missing database."""
    parser = argparse.ArgumentParser(prog="python -m stairload.scaleout.embedded")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    if not args.db.is_file():
        print(f"Error: --db: no such database (got {str(args.db)!r})", file=sys.stderr)
        return exitcodes.USAGE
    from granian.constants import Interfaces, Loops
    from granian.log import LogLevels
    from granian.server import Server

    config = ServerConfig(host=args.host, port=args.port, db_path=args.db)
    os.environ.update(config.worker_env())
    Server(
        "stairload.target.asgi:app_from_env",
        address=args.host,
        port=args.port,
        interface=Interfaces.ASGI,
        workers=1,
        factory=True,
        websockets=False,
        loop=Loops.auto,
        backlog=4096,
        log_level=LogLevels.warning,
    ).serve()
    return exitcodes.OK


if __name__ == "__main__":
    sys.exit(main())
