"""Fixtures for the capacity tests: the repository's scenarios.yaml and small YAML files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

# A small valid scenarios file that the bad-input tests break one field at a time.
SMALL_YAML = """\
service:
  name: small
  response_time_ms: 500
  peak_rate: 2.0
  safety_factor: 2.0
cases:
  average:
    dau: 25000
  stress:
    dau: 45000
thresholds:
  mtt_ms: 500
  error_rate: 0.01
scenarios:
  scenario2:
    requests_per_user_per_day: 18.5
    journey_seconds: 1000
    steps: [{request: GET /trips}]
    stairs: {step_users: 100, step_seconds: 60, hold_seconds: 300, spawn_rate: 100}
"""


@pytest.fixture
def repo_scenarios() -> str:
    """The path of the repository's own scenarios.yaml."""
    return str(REPO_ROOT / "scenarios.yaml")


@pytest.fixture
def write_yaml(tmp_path: Path) -> Callable[[str], str]:
    """Write ``text`` as scenarios.yaml into tmp_path; return its path."""

    def write(text: str) -> str:
        path = tmp_path / "scenarios.yaml"
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


@pytest.fixture
def small_yaml(tmp_path: Path) -> Callable[[str, str], str]:
    """Write SMALL_YAML with ``old`` replaced by ``new`` into tmp_path; return its path."""

    def write(old: str = "", new: str = "") -> str:
        assert old in SMALL_YAML, f"{old!r} is not in SMALL_YAML"
        path = tmp_path / "scenarios.yaml"
        path.write_text(SMALL_YAML.replace(old, new, 1) if old else SMALL_YAML, encoding="utf-8")
        return str(path)

    return write
