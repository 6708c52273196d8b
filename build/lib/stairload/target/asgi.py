"""The ASGI entry point a server's worker process loads: ``stairload.target.asgi:app_from_env``."""

from __future__ import annotations

from starlette.applications import Starlette

from stairload.target.app import create_app
from stairload.target.config import worker_settings


def app_from_env() -> Starlette:
    """Build the app from the settings the main process put in the environment."""
    db_path, require_warmup = worker_settings()
    return create_app(db_path, require_warmup=require_warmup)
