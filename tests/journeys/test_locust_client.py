"""``LocustClient``: every transport error is a failure, the generator's own are faults.

Real FastHttpUser clients in a fresh process (``locust_client_check.py``) against a real
loopback server that resets connections (``SO_LINGER`` 0), and a real exhausted
descriptor table.
"""

from __future__ import annotations

import json
import socket
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHECK = Path(__file__).with_name("locust_client_check.py")
_BODY = b'{"pad": "' + b"x" * 4000 + b'"}'


@contextmanager
def _resetting_server(mid_body: bool) -> Iterator[str]:
    """Every third request reset: before any answer, or after the head and 100 body bytes."""
    listener = socket.create_server(("127.0.0.1", 0))
    count = [0]

    def serve(connection: socket.socket) -> None:
        with connection:
            while True:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = connection.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                count[0] += 1
                head = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(_BODY)
                if count[0] % 3 == 0:
                    if mid_body:
                        connection.sendall(head + _BODY[:100])
                    linger = struct.pack("ii", 1, 0)
                    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                    return
                connection.sendall(head + _BODY)

    def accept() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(connection,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


def _check(url: str, count: int, *extra: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, str(CHECK), url, str(count), *extra],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.parametrize("mid_body", [False, True], ids=["before the answer", "mid-body"])
def test_a_connection_reset_is_a_failed_request(mid_body: bool) -> None:
    """A reset fails its request (none hidden by a retry or a 200 head), named as a reset."""
    with _resetting_server(mid_body) as url:
        seen = _check(url, 6)
    failed = [reason for reason in seen["reasons"] if reason is not None]
    assert len(failed) >= 2, seen
    assert all("reset" in reason for reason in failed), seen
    assert [event[0] for event in seen["events"] if event] == ["failure"] * len(failed)


def test_too_many_open_files_is_a_generator_fault_not_a_failure() -> None:
    """EMFILE in the generator is a fault named as such, never the target's failure."""
    with _resetting_server(False) as url:
        seen = _check(url, 2, "emfile")
    assert seen["events"] and all(event[0] == "fault" for event in seen["events"]), seen
    assert seen["reasons"][0].startswith("generator fault: "), seen
    assert "Too many open files" in seen["reasons"][0]
