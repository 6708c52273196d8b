"""The alarms: block proposed for scenarios.yaml, and the one scenarios.yaml really has."""

from __future__ import annotations

from pathlib import Path

import yaml

from capacity.config import load_scenarios
from stairload.alarms.config import Comparison, Metric, MissingData, parse_alarms

ROOT = Path(__file__).parents[2]
BLOCK = Path(__file__).parent / "fixtures" / "alarms_section.yaml"


def test_proposed_block_parses_into_two_rules() -> None:
    """The documented block gives the MTT rule (3 of 3) and the error-rate rule (2 of 3)."""
    raw = yaml.safe_load(BLOCK.read_text(encoding="utf-8"))["alarms"]
    mtt, errors = parse_alarms(raw, "scenarios.yaml").rules
    assert (mtt.metric, mtt.comparison, mtt.threshold) == (Metric.MTT_MS, Comparison.GE, 500)
    assert (mtt.evaluation_periods, mtt.datapoints_to_alarm) == (3, 3)
    assert (errors.metric, errors.datapoints_to_alarm) == (Metric.ERROR_RATE, 2)
    assert errors.treat_missing_data is MissingData.NOT_BREACHING


def test_proposed_block_fits_into_scenarios_yaml(tmp_path: Path) -> None:
    """scenarios.yaml with the block appended still loads, and its alarms parse."""
    text = (ROOT / "scenarios.yaml").read_text(encoding="utf-8").split("\nalarms:")[0]
    path = tmp_path / "scenarios.yaml"
    path.write_text(text + "\n" + BLOCK.read_text(encoding="utf-8"), encoding="utf-8")
    suite = load_scenarios(path)
    assert len(parse_alarms(suite.alarms_raw, str(path)).rules) == 2


def test_repository_scenarios_yaml_alarms_parse() -> None:
    """Every rule of scenarios.yaml's alarms: section parses, in order, none dropped."""
    suite = load_scenarios(ROOT / "scenarios.yaml")
    rules = parse_alarms(suite.alarms_raw, "scenarios.yaml").rules
    assert [rule.name for rule in rules] == [raw["name"] for raw in suite.alarms_raw["rules"]]
    assert rules
