"""Hosts on one machine: network namespaces on a private bridge, for multi-host tests.

``Network(["target", "worker1", "worker2"])`` builds one namespace per host plus a
switch namespace holding a bridge; each host has ``eth0`` at 10.200.0.N/24 (N = 1, 2, ...),
plugged into the bridge. Nothing is added to the machine's own namespace, and the hosts
have no route off the bridge, so their traffic never leaves the namespaces.

- ``run(host, argv)`` / ``popen(host, argv)``: a command inside a host.
- ``cut(host)`` / ``restore(host)``: unplug / replug the host's cable at the switch.
- ``delays={"worker1": 50}``: the host's outgoing packets wait 50 ms (so +50 ms RTT to
  every other host), with ``tc qdisc ... netem delay`` where the kernel has netem, else
  with a userspace TAP wire (``taprelay.py``) doing the same.
- ``close()``: kills what was started inside and deletes every namespace (idempotent).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

RELAY = Path(__file__).with_name("taprelay.py")


@dataclass(frozen=True)
class Host:
    """One namespace and its address on the bridge."""

    name: str
    netns: str
    address: str
    port: str  # its cable's end in the switch namespace


def skip_reason() -> str | None:
    """Why namespaces cannot be built here (None: they can)."""
    if os.geteuid() != 0:
        return "network namespaces need root (run the tests as root)"
    if shutil.which("ip") is None:
        return "`ip` (iproute2) is missing: run `make netns-tools`"
    probe = f"slprobe{os.getpid()}"
    added = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if added.returncode != 0:
        return f"`ip netns add` failed: {added.stderr.strip()}"
    subprocess.run(["ip", "netns", "delete", probe], capture_output=True)
    return None


def _ip(*args: str) -> None:
    result = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {result.stderr.strip()}")


def netem_available() -> bool:
    """Whether ``tc ... netem`` works in this kernel (some VM kernels lack sch_netem)."""
    if shutil.which("tc") is None:
        return False
    probe = f"slnetem{os.getpid()}"
    _ip("netns", "add", probe)
    try:
        _ip("-n", probe, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
        added = subprocess.run(
            ["tc", "-n", probe, "qdisc", "add", "dev", "d0", "root", "netem", "delay", "1ms"],
            capture_output=True,
        )
        return added.returncode == 0
    finally:
        subprocess.run(["ip", "netns", "delete", probe], capture_output=True)


class Network:
    """See the module docstring. Use as a context manager, or call ``close()``."""

    def __init__(
        self,
        names: Sequence[str],
        *,
        delays: Mapping[str, float] | None = None,
        subnet: str = "10.200.0",
    ) -> None:
        token = secrets.token_hex(3)
        self.switch = f"sl{token}-switch"
        self.hosts = {
            name: Host(name, f"sl{token}-{name}", f"{subnet}.{index}", f"p-{name}"[:15])
            for index, name in enumerate(names, start=1)
        }
        self.delays = dict(delays or {})
        self.delay_method = ""
        self._processes: list[subprocess.Popen[bytes]] = []
        self._created: list[str] = []
        try:
            self._build()
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Network:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __getitem__(self, name: str) -> Host:
        return self.hosts[name]

    def _build(self) -> None:
        self._add_netns(self.switch)
        _ip("-n", self.switch, "link", "add", "br0", "type", "bridge")
        _ip("-n", self.switch, "link", "set", "br0", "up")
        use_netem = bool(self.delays) and netem_available()
        if self.delays:
            self.delay_method = "netem" if use_netem else "taprelay"
        for host in self.hosts.values():
            self._add_netns(host.netns)
            _ip("-n", host.netns, "link", "set", "lo", "up")
            delay = self.delays.get(host.name)
            if delay is not None and not use_netem:
                self._plug_tap(host, delay)
            else:
                self._plug_veth(host)
                if delay is not None:
                    self.run(
                        host.name,
                        [
                            "tc",
                            "qdisc",
                            "add",
                            "dev",
                            "eth0",
                            "root",
                            "netem",
                            "delay",
                            f"{delay}ms",
                        ],
                        check=True,
                    )

    def _add_netns(self, name: str) -> None:
        _ip("netns", "add", name)
        self._created.append(name)

    def _plug_veth(self, host: Host) -> None:
        _ip(
            "-n",
            self.switch,
            "link",
            "add",
            host.port,
            "type",
            "veth",
            "peer",
            "name",
            "eth0",
            "netns",
            host.netns,
        )
        self._address(host)

    def _plug_tap(self, host: Host, delay_ms: float) -> None:
        _ip("-n", host.netns, "tuntap", "add", "dev", "eth0", "mode", "tap")
        _ip("-n", self.switch, "tuntap", "add", "dev", host.port, "mode", "tap")
        relay = self.popen(
            host.name,
            [
                sys.executable,
                str(RELAY),
                "--tap",
                "eth0",
                "--peer-netns",
                self.switch,
                "--peer-tap",
                host.port,
                "--delay-ms",
                str(delay_ms),
            ],
            stdout=subprocess.PIPE,
        )
        assert relay.stdout is not None
        if relay.stdout.readline().strip() != b"ready":
            raise RuntimeError(f"the delayed link of {host.name} did not start")
        self._address(host)

    def _address(self, host: Host) -> None:
        _ip("-n", self.switch, "link", "set", host.port, "master", "br0")
        _ip("-n", self.switch, "link", "set", host.port, "up")
        _ip("-n", host.netns, "addr", "add", f"{host.address}/24", "dev", "eth0")
        _ip("-n", host.netns, "link", "set", "eth0", "up")

    def command(self, name: str, argv: Sequence[str]) -> list[str]:
        """``argv`` run inside host ``name``."""
        return ["ip", "netns", "exec", self.hosts[name].netns, *argv]

    def run(
        self, name: str, argv: Sequence[str], *, timeout: float = 60, check: bool = False
    ) -> subprocess.CompletedProcess[str]:
        """Run ``argv`` inside host ``name`` and wait for it."""
        return subprocess.run(
            self.command(name, argv), capture_output=True, text=True, timeout=timeout, check=check
        )

    def popen(self, name: str, argv: Sequence[str], **kwargs: object) -> subprocess.Popen[bytes]:
        """Start ``argv`` inside host ``name``; ``close()`` stops it if it still runs."""
        process = subprocess.Popen(  # type: ignore[call-overload]
            self.command(name, argv), start_new_session=True, **kwargs
        )
        self._processes.append(process)
        return process

    def cut(self, name: str) -> None:
        """Unplug host ``name`` at the switch: nothing reaches it or leaves it any more."""
        _ip("-n", self.switch, "link", "set", self.hosts[name].port, "down")

    def restore(self, name: str) -> None:
        """Plug host ``name`` back in."""
        _ip("-n", self.switch, "link", "set", self.hosts[name].port, "up")

    def close(self) -> None:
        """Stop every process started inside, then delete every namespace."""
        for process in self._processes:
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + 5
        for process in self._processes:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait(5)
            for stream in (process.stdin, process.stdout, process.stderr):
                if stream is not None:
                    stream.close()
        self._processes.clear()
        for netns in reversed(self._created):
            _kill_inside(netns)
            subprocess.run(["ip", "netns", "delete", netns], capture_output=True, timeout=30)
        self._created.clear()


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signum)


def _kill_inside(netns: str) -> None:
    """Kill what still runs in ``netns`` (only processes this harness started live there)."""
    pids = subprocess.run(["ip", "netns", "pids", netns], capture_output=True, text=True)
    for pid in pids.stdout.split():
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pid), signal.SIGKILL)
