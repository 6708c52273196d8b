"""Fixtures for tests that need several hosts: network namespaces, torn down whatever happens."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from netns import Network, skip_reason

_REASON = skip_reason()


@pytest.fixture
def network() -> Iterator[Callable[..., Network]]:
    """A builder of ``Network``s; each one built is deleted after the test, pass or fail."""
    if _REASON is not None:
        pytest.skip(_REASON)
    built: list[Network] = []

    def build(names: list[str], **kwargs: object) -> Network:
        net = Network(names, **kwargs)  # type: ignore[arg-type]
        built.append(net)
        return net

    yield build
    for net in built:
        net.close()
