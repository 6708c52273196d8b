"""stairload.scaleout.haproxy against a real HAProxy and real tiny HTTP servers on loopback."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from stairload.scaleout.haproxy import (
    BalancerConfig,
    HAProxy,
    ServerStat,
    parse_stat,
    render_config,
)

TinyServer = tuple[subprocess.Popen[bytes], int]

pytestmark = pytest.mark.integration


@pytest.fixture
def balancer(tmp_path: Path, free_port: Callable[[], int]) -> Iterator[HAProxy]:
    """A started HAProxy with two slots, health checks every 200 ms."""
    config = BalancerConfig(
        port=free_port(), socket_path=tmp_path / "haproxy.sock", slots=2, check_interval_ms=200
    )
    haproxy = HAProxy(config, tmp_path)
    haproxy.start()
    yield haproxy
    haproxy.stop()


def _whoami(haproxy: HAProxy, count: int) -> Counter[str]:
    names: Counter[str] = Counter()
    for _ in range(count):
        with urllib.request.urlopen(f"{haproxy.url}/whoami", timeout=5) as response:
            names[response.read().decode()] += 1
    return names


def _wait_status(haproxy: HAProxy, slot: str, wanted: str, timeout: float = 10.0) -> ServerStat:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stat = next(s for s in haproxy.servers() if s.name == slot)
        if stat.status.startswith(wanted):
            return stat
        time.sleep(0.05)
    raise AssertionError(f"{slot} never became {wanted}: {stat}")


def _admit(haproxy: HAProxy, slot: str, port: int) -> None:
    haproxy.set_address(slot, "127.0.0.1", port)
    haproxy.set_state(slot, "ready")
    _wait_status(haproxy, slot, "UP")


def test_config_has_health_check_slots_and_socket(tmp_path: Path) -> None:
    """The configuration checks the health path and declares the slots and the admin socket."""
    text = render_config(
        BalancerConfig(port=8999, socket_path=tmp_path / "s.sock", health_path="/ready", slots=3)
    )
    assert "option httpchk GET /ready" in text
    assert "server-template slot 1-3 127.0.0.1:9 disabled" in text
    assert f"stats socket {tmp_path / 's.sock'} mode 600 level admin" in text


def test_slots_start_in_maintenance(balancer: HAProxy) -> None:
    """A fresh balancer has every slot in maintenance."""
    assert [(s.name, s.status) for s in balancer.servers()] == [
        ("slot1", "MAINT"),
        ("slot2", "MAINT"),
    ]


def test_traffic_goes_to_both_servers(
    balancer: HAProxy, tiny_server: Callable[[str], TinyServer]
) -> None:
    """Two admitted servers both answer requests sent to the frontend."""
    for slot, name in (("slot1", "a"), ("slot2", "b")):
        _admit(balancer, slot, tiny_server(name)[1])
    assert set(_whoami(balancer, 10)) == {"a", "b"}


def test_drained_server_gets_no_new_requests(
    balancer: HAProxy, tiny_server: Callable[[str], TinyServer]
) -> None:
    """After state drain, every new request goes to the other server."""
    for slot, name in (("slot1", "a"), ("slot2", "b")):
        _admit(balancer, slot, tiny_server(name)[1])
    balancer.set_state("slot2", "drain")
    assert _whoami(balancer, 10) == Counter({"a": 10})


def test_killed_server_is_marked_down(
    balancer: HAProxy, tiny_server: Callable[[str], TinyServer]
) -> None:
    """A SIGKILLed server fails its health check and is marked DOWN; traffic still flows."""
    _admit(balancer, "slot1", tiny_server("a")[1])
    process, port = tiny_server("b")
    _admit(balancer, "slot2", port)
    process.kill()
    stat = _wait_status(balancer, "slot2", "DOWN")
    assert stat.failed_checks >= 1
    assert _whoami(balancer, 5) == Counter({"a": 5})


def test_stat_counts_responses_per_server(
    balancer: HAProxy, tiny_server: Callable[[str], TinyServer]
) -> None:
    """show stat counts each server's responses."""
    _admit(balancer, "slot1", tiny_server("a")[1])
    _whoami(balancer, 7)
    slot1 = next(s for s in balancer.servers() if s.name == "slot1")
    assert slot1.responses == 7


def test_parse_stat_rejects_non_csv() -> None:
    """An answer that is not show stat CSV is an HAProxyError, not a silent empty list."""
    from stairload.scaleout.errors import HAProxyError

    with pytest.raises(HAProxyError, match="no CSV"):
        parse_stat("Unknown command")
