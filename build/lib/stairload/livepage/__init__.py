"""The live page of a running stair: ``stairload run --web`` (see docs/watching.md).

The page and its JSON read the run's one ``LiveSource`` (the Prometheus exporter reads it
too); the step rows and their validity come from the report's own step table.
"""

from __future__ import annotations

from pathlib import Path

from stairload.livemetrics import LiveSource
from stairload.livepage.page import render_page
from stairload.livepage.payload import LivePayload, RecordNow
from stairload.livepage.server import JSON_PATH, LOOPBACK, LivePage

__all__ = ["JSON_PATH", "LOOPBACK", "LivePage", "LivePayload", "render_page", "start_live_page"]


def start_live_page(
    source: LiveSource,
    record_now: RecordNow,
    run_dir: Path,
    port: int,
    *,
    scenario: str,
    case: str,
) -> tuple[LivePage, str]:
    """The page, serving on loopback ``port``; and its URL."""
    page = LivePage(LivePayload(source, record_now, run_dir), render_page(scenario, case))
    return page, page.serve(port)
