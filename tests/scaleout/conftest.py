"""Fixtures for the scale-out tests: free loopback ports and tiny real HTTP servers."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, timeout_seconds: float = 15.0) -> None:
    """Wait until a URL answers at all (any status)."""
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"{url} did not answer in {timeout_seconds} s")


TinyServer = tuple[subprocess.Popen[bytes], int]


@pytest.fixture(name="free_port")
def free_port_fixture() -> Callable[[], int]:
    """The free_port function, for tests."""
    return free_port


@pytest.fixture
def tiny_server(tmp_path: Path) -> Iterator[Callable[[str], TinyServer]]:
    """Start ``python -m http.server`` serving /health and /whoami (its name) on loopback."""
    started: list[subprocess.Popen[bytes]] = []

    def start(name: str) -> TinyServer:
        root = tmp_path / name
        root.mkdir()
        (root / "health").write_text("ok")
        (root / "whoami").write_text(name)
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(process)
        wait_for(f"http://127.0.0.1:{port}/health")
        return process, port

    yield start
    for process in started:
        process.kill()
        process.wait()
