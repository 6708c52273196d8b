"""docker-compose.yml is a valid Compose file (checked by Docker's own CLI where present)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from stairload.run.arguments import build_parser
from stairload.run.remote_worker import build_parser as worker_parser

ROOT = Path(__file__).resolve().parents[2]


def _compose_command() -> list[str] | None:
    """`docker compose` (the v2 plugin), else the standalone `docker-compose`, else None."""
    if shutil.which("docker"):
        probe = subprocess.run(
            ["docker", "compose", "version"], capture_output=True, text=True, timeout=30
        )
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


COMPOSE = _compose_command()
needs_compose = pytest.mark.skipif(
    COMPOSE is None,
    reason="neither `docker compose` (Docker CLI plugin) nor `docker-compose` is installed",
)


def _config(**env: str) -> subprocess.CompletedProcess[str]:
    assert COMPOSE is not None
    environment = {k: v for k, v in os.environ.items() if k not in {"HOST", "WORKERS"}}
    return subprocess.run(
        [*COMPOSE, "-f", str(ROOT / "docker-compose.yml"), "config"],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@needs_compose
def test_compose_config_accepts_the_file() -> None:
    """`compose config` resolves the file with HOST set: a master and a worker service."""
    result = _config(HOST="http://10.0.0.5:8080", WORKERS="4")
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    assert set(services) == {"master", "worker"}
    assert "--expect-workers 4" in " ".join(services["master"]["command"])


@needs_compose
def test_compose_config_without_host_names_the_missing_variable() -> None:
    """Without HOST, compose stops before starting anything and says HOST is needed."""
    result = _config()
    assert result.returncode != 0
    assert "HOST" in result.stderr


def test_the_workers_find_the_master_by_its_service_name() -> None:
    """The workers' --master is the master's service name on the compose network."""
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert "master" in services
    assert "--master master:5557" in " ".join(services["worker"]["command"])


def test_the_services_commands_are_valid_stairload_commands() -> None:
    """The master's and the worker's commands parse with the run's and the worker's own parsers."""
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    master = services["master"]["command"][0].replace("${WORKERS:-2}", "2")
    master = master.replace('"$$SCENARIO"', "scenario2").replace('"$$HOST"', "http://10.0.0.5:8080")
    words = shlex.split(master.replace("$$STAIR_ARGS", ""))
    assert words[:3] == ["exec", "stairload", "run"]
    args = build_parser().parse_args(words[3:])
    assert (args.scenario, args.expect_workers, args.metrics_port) == ("scenario2", 2, 9646)
    worker = shlex.split(services["worker"]["command"][0])
    assert worker[:3] == ["exec", "stairload", "worker"]
    assert worker_parser().parse_args(worker[3:]).master == "master:5557"
