"""Instances from a command template: the embedded target sharing one database, CPU, stop."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from stairload.core.errors import UsageError
from stairload.scaleout.errors import InstanceError
from stairload.scaleout.instances import (
    DEFAULT_INSTANCE_CMD,
    check_template,
    health_status,
    kill,
    launch,
    stop,
    wait_until_answering,
)
from stairload.target.db import create_database


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("stairload target", "must contain {port}"),
        ("serve --port {port} --x {nope}", "placeholders allowed"),
        ("serve 'unclosed {port}", "placeholders allowed"),
    ],
)
def test_bad_template_is_refused(template: str, message: str) -> None:
    """A template without {port}, with an unknown placeholder or bad quoting is an error."""
    with pytest.raises(UsageError, match=message):
        check_template(template)


@pytest.mark.integration
def test_two_embedded_instances_share_one_database(
    tmp_path: Path, free_port: Callable[[], int]
) -> None:
    """Two default instances on one seeded database both answer, sampled and then stopped."""
    db = tmp_path / "shared.db"
    create_database(db, users=20)
    values = {"db": str(db), "users": "20", "run_dir": str(tmp_path)}
    group = [launch(DEFAULT_INSTANCE_CMD, f"i-{n}", free_port(), values, tmp_path) for n in (1, 2)]
    try:
        for instance in group:
            wait_until_answering(instance, "/health", timeout_seconds=30)
            assert health_status(instance.url + "/health") == 200
        time.sleep(2.2)
        assert all(instance.cpu_by_second() for instance in group)
    finally:
        codes = [stop(instance) for instance in group]
    assert codes == [0, 0]


@pytest.mark.integration
def test_killed_instance_stops_answering(tmp_path: Path, free_port: Callable[[], int]) -> None:
    """kill() SIGKILLs the instance's whole process tree."""
    db = tmp_path / "shared.db"
    create_database(db, users=5)
    instance = launch(DEFAULT_INSTANCE_CMD, "i-1", free_port(), {"db": str(db)}, tmp_path)
    wait_until_answering(instance, "/health", timeout_seconds=30)
    kill(instance)
    assert (instance.alive, health_status(instance.url + "/health")) == (False, None)


@pytest.mark.integration
def test_instance_that_exits_at_once_is_reported(
    tmp_path: Path, free_port: Callable[[], int]
) -> None:
    """An instance that exits before answering names its log file."""
    instance = launch("{python} -c 'raise SystemExit(3)' {port}", "i-1", free_port(), {}, tmp_path)
    with pytest.raises(InstanceError, match=r"exited with 3 before answering; see .*i-1\.log"):
        wait_until_answering(instance, "/health", timeout_seconds=10)
