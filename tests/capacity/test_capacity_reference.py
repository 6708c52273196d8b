"""The reference table (README, Capacity), computed from the repository's scenarios.yaml."""

from __future__ import annotations

import pytest

from capacity.config import load_scenarios
from capacity.whatif import plan_case

# case, scenario, peak RPS exact, VUser exact, VUser, TPS (the reference table)
REFERENCE = [
    ("average", "scenario1", 8.681, 497.7, 500, 1000),
    ("average", "scenario2", 21.412, 1157.4, 1200, 2400),
    ("average", "scenario3", 13.310, 15.6, 20, 40),
    ("stress", "scenario1", 15.625, 895.8, 900, 1800),
    ("stress", "scenario2", 38.542, 2083.3, 2100, 4200),
    ("stress", "scenario3", 23.958, 28.1, 30, 60),
]


@pytest.mark.parametrize(
    ("case", "scenario", "peak_rps", "vusers_exact", "vusers", "target_tps"), REFERENCE
)
def test_plan_matches_the_spec_reference_table(
    repo_scenarios: str,
    case: str,
    scenario: str,
    peak_rps: float,
    vusers_exact: float,
    vusers: int,
    target_tps: int,
) -> None:
    """Each case and scenario gives the reference peak RPS, exact VUser, VUser and TPS."""
    (row,) = plan_case(load_scenarios(repo_scenarios), case, scenario).rows
    assert round(row.peak_rps, 3) == peak_rps
    assert round(row.vusers_exact, 1) == vusers_exact
    assert row.vusers == vusers
    assert row.target_tps == target_tps


def test_dau_of_the_reference_cases_is_25000_and_45000(repo_scenarios: str) -> None:
    """scenarios.yaml plans the average case at 25,000 DAU and the stress case at 45,000."""
    suite = load_scenarios(repo_scenarios)
    assert (suite.case("average").dau, suite.case("stress").dau) == (25_000, 45_000)
    assert (suite.start_case, suite.end_case) == ("average", "stress")
