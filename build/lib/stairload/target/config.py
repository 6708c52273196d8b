"""The server's settings, passed from the CLI to each worker process through the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from stairload.rundir.files import TARGET_DB, TARGET_DIR

DEFAULT_DB = Path("runs") / TARGET_DIR / TARGET_DB
# After SIGTERM a worker has this long to finish its requests and close the database;
# granian then kills it (target.log: "Killing worker-N after it refused to gracefully stop").
STOP_GRACE_SECONDS = 10
SEEDED_USERS = 10_000  # user1..user10000, as the source story's test accounts
_ENV_DB = "TARGET_APP_DB"
_ENV_REQUIRE_WARMUP = "TARGET_APP_REQUIRE_WARMUP"


@dataclass(frozen=True)
class ServerConfig:
    """Validated settings of one target_app server."""

    host: str = "127.0.0.1"
    port: int = 8080
    db_path: Path = DEFAULT_DB
    users: int = SEEDED_USERS
    require_warmup: bool = False
    workers: int = 1

    def worker_env(self) -> dict[str, str]:
        """Return the variables a worker process reads in app_from_env."""
        return {
            _ENV_DB: str(self.db_path.resolve()),
            _ENV_REQUIRE_WARMUP: "1" if self.require_warmup else "0",
        }


def worker_settings(env: Mapping[str, str] = os.environ) -> tuple[Path, bool]:
    """Return (database path, require warm-up) from a worker's environment."""
    return Path(env[_ENV_DB]), env.get(_ENV_REQUIRE_WARMUP) == "1"
