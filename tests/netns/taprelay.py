"""A userspace Ethernet wire with a one-way delay: what ``tc ... netem delay`` does in the kernel.

Used by ``netns.Network`` when the kernel has no ``sch_netem`` (some VM kernels ship
without it). Run inside the host's namespace; it attaches to that namespace's TAP device
and to a TAP device in the switch's namespace, and copies every frame between the two,
holding the host's outgoing frames for ``--delay-ms`` milliseconds (frames keep their order).

    ip netns exec HOST python taprelay.py --tap eth0 --peer-netns SWITCH --peer-tap p-host \\
        --delay-ms 50
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import ctypes
import fcntl
import os
import selectors
import signal
import struct
import time

_TUNSETIFF = 0x400454CA
_IFF_TAP = 0x0002
_IFF_NO_PI = 0x1000
_CLONE_NEWNET = 0x40000000


def _attach(name: str) -> int:
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, _TUNSETIFF, struct.pack("16sH", name.encode(), _IFF_TAP | _IFF_NO_PI))
    return fd


def _enter_netns(name: str) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(f"/var/run/netns/{name}", os.O_RDONLY)
    try:
        if libc.setns(fd, _CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {name}")
    finally:
        os.close(fd)


def relay(host_fd: int, peer_fd: int, delay_seconds: float) -> None:
    """Copy frames both ways until SIGTERM; the host's outgoing frames wait ``delay_seconds``."""
    held: collections.deque[tuple[float, bytes]] = collections.deque()
    selector = selectors.DefaultSelector()
    selector.register(host_fd, selectors.EVENT_READ)
    selector.register(peer_fd, selectors.EVENT_READ)
    while True:
        timeout = max(0.0, held[0][0] - time.monotonic()) if held else None
        for key, _ in selector.select(timeout):
            frame = os.read(key.fd, 65536)
            if key.fd == host_fd:
                held.append((time.monotonic() + delay_seconds, frame))
            else:
                _write(host_fd, frame)
        now = time.monotonic()
        while held and held[0][0] <= now:
            _write(peer_fd, held.popleft()[1])


def _write(fd: int, frame: bytes) -> None:
    # When the other side is down (a cut link) the frame is lost, as on a wire.
    with contextlib.suppress(OSError):
        os.write(fd, frame)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tap", required=True)
    parser.add_argument("--peer-netns", required=True)
    parser.add_argument("--peer-tap", required=True)
    parser.add_argument("--delay-ms", type=float, default=0.0)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    host_fd = _attach(args.tap)
    _enter_netns(args.peer_netns)
    peer_fd = _attach(args.peer_tap)
    print("ready", flush=True)
    relay(host_fd, peer_fd, args.delay_ms / 1000)


if __name__ == "__main__":
    main()
