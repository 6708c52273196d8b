"""The live page's HTML: one Jinja2 template, self-contained (no CDN: runs may be offline)."""

from __future__ import annotations

from functools import cache

import jinja2

from stairload.livepage.server import JSON_PATH


@cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("stairload.livepage", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    return environment.get_template("live.html")


def render_page(scenario: str, case: str) -> str:
    """The page for one run (its data comes from ``JSON_PATH``, polled every second)."""
    return _template().render(scenario=scenario, case=case, json_path=JSON_PATH)
