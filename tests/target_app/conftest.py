"""Fixtures for target_app tests: one real server process shared by the whole session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from stairload.target.testing import start_target

SESSION_USERS = 50


@pytest.fixture(scope="session")
def target_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a target_app process seeded with SESSION_USERS users."""
    with start_target(tmp_path_factory.mktemp("target"), users=SESSION_USERS) as base_url:
        yield base_url
