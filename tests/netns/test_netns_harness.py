"""The namespace harness: real links between hosts, a real delay, a real cut, no leftovers."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from netns import Network

PROBE = str(Path(__file__).with_name("probe.py"))
PORT = "8000"

pytestmark = pytest.mark.integration


def _serve(net: Network, name: str) -> None:
    server = net.popen(name, [sys.executable, PROBE, "serve", PORT], stdout=subprocess.PIPE)
    assert server.stdout is not None and server.stdout.readline().strip() == b"ready"


def _get(net: Network, name: str, url: str, timeout_s: float = 3) -> str:
    return net.run(name, [sys.executable, PROBE, "get", url, str(timeout_s)]).stdout.strip()


def _rtt_ms(net: Network, name: str, address: str) -> float:
    result = net.run(name, [sys.executable, PROBE, "rtt", address, PORT, "15"], check=True)
    return float(result.stdout)


def _namespaces() -> str:
    return subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout


def test_hosts_talk_http_over_the_bridge(network: Callable[..., Network]) -> None:
    """A GET from one host to a server on another, by its 10.200 address, answers 200."""
    net = network(["a", "b", "c"])
    _serve(net, "a")
    assert _get(net, "b", f"http://{net['a'].address}:{PORT}/") == "200"
    assert _get(net, "c", f"http://{net['a'].address}:{PORT}/") == "200"


def test_a_host_has_no_route_off_the_bridge(network: Callable[..., Network]) -> None:
    """Inside a host, only the bridge's /24 is routed: traffic cannot leave the namespaces."""
    net = network(["a"])
    routes = net.run("a", ["ip", "route"]).stdout
    assert "default" not in routes
    expected = f"10.200.0.0/24 dev eth0 proto kernel scope link src {net['a'].address}"
    assert routes.strip() == expected


def test_a_delayed_host_adds_its_delay_to_the_round_trip(network: Callable[..., Network]) -> None:
    """50 ms on b's outgoing packets: b's TCP connect to a takes ~50 ms more than c's."""
    net = network(["a", "b", "c"], delays={"b": 50})
    _serve(net, "a")
    plain = _rtt_ms(net, "c", net["a"].address)
    delayed = _rtt_ms(net, "b", net["a"].address)
    print(f"connect RTT: plain {plain:.2f} ms, delayed {delayed:.2f} ms ({net.delay_method})")
    assert 45 <= delayed - plain <= 70


def test_cutting_a_link_cuts_it_and_restoring_restores_it(network: Callable[..., Network]) -> None:
    """After cut(b), b's GET to a fails and c's still works; after restore(b), b works again."""
    net = network(["a", "b", "c"])
    _serve(net, "a")
    url = f"http://{net['a'].address}:{PORT}/"
    net.cut("b")
    assert _get(net, "b", url, timeout_s=1).startswith("error")
    assert _get(net, "c", url) == "200"
    net.restore("b")
    assert _get(net, "b", url) == "200"


def test_cutting_a_delayed_link_cuts_it(network: Callable[..., Network]) -> None:
    """The cut works on a delayed link too (netem or the userspace wire)."""
    net = network(["a", "b"], delays={"b": 50})
    _serve(net, "a")
    net.cut("b")
    assert _get(net, "b", f"http://{net['a'].address}:{PORT}/", timeout_s=1).startswith("error")


def test_close_removes_namespaces_and_processes_even_after_a_failure() -> None:
    """A test body that raises still leaves no namespace and no process behind."""
    from netns import skip_reason

    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    with pytest.raises(RuntimeError), Network(["a", "b"], delays={"b": 50}) as net:
        server = net.popen("a", [sys.executable, PROBE, "serve", PORT], stdout=subprocess.PIPE)
        names = [host.netns for host in net.hosts.values()] + [net.switch]
        raise RuntimeError("the test failed")
    assert server.poll() is not None
    assert not any(name in _namespaces() for name in names)
