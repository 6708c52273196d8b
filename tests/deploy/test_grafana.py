"""The Grafana dashboard is valid JSON and only queries metrics the exporter exports."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from stairload.livemetrics import METRIC_NAMES

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "deploy" / "grafana" / "stairload-dashboard.json"


def _dashboard() -> dict[str, Any]:
    return json.loads(DASHBOARD.read_text(encoding="utf-8"))


def _expressions() -> list[str]:
    return [target["expr"] for panel in _dashboard()["panels"] for target in panel["targets"]]


def test_every_queried_metric_is_exported() -> None:
    """Each stairload_* name in a query is one the exporter serves."""
    used = {name for expr in _expressions() for name in re.findall(r"stairload_\w+", expr)}
    assert used and used <= set(METRIC_NAMES)


def test_the_dashboard_shows_the_stair_tps_mtt_and_alarms() -> None:
    """Users vs planned, TPS, MTT and alarm states each have a query."""
    joined = " ".join(_expressions())
    for name in (
        "stairload_users",
        "stairload_planned_users",
        "stairload_tps",
        "stairload_mtt_milliseconds",
        "stairload_alarm_state",
    ):
        assert re.search(rf"\b{name}\b", joined), name


def test_the_mtt_panel_draws_the_scenarios_response_time_target() -> None:
    """The MTT panel's threshold line sits at service.response_time_ms of scenarios.yaml."""
    target = yaml.safe_load((ROOT / "scenarios.yaml").read_text())["service"]["response_time_ms"]
    panel = next(p for p in _dashboard()["panels"] if p["title"].startswith("MTT and p95"))
    defaults = panel["fieldConfig"]["defaults"]
    assert defaults["custom"]["thresholdsStyle"]["mode"] == "line"
    assert [step["value"] for step in defaults["thresholds"]["steps"]][-1] == target


def test_the_alarm_panel_names_the_three_states() -> None:
    """The alarm panel maps 0, 1, 2 to OK, ALARM, INSUFFICIENT_DATA, as the exporter does."""
    panel = next(p for p in _dashboard()["panels"] if p["type"] == "state-timeline")
    options = panel["fieldConfig"]["defaults"]["mappings"][0]["options"]
    assert {value: option["text"] for value, option in options.items()} == {
        "0": "OK",
        "1": "ALARM",
        "2": "INSUFFICIENT_DATA",
    }


def test_panel_ids_are_unique() -> None:
    """Grafana needs distinct panel ids to import the dashboard."""
    ids = [panel["id"] for panel in _dashboard()["panels"]]
    assert len(ids) == len(set(ids))
