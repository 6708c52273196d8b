"""Children that die with the runner, even when the runner is killed with SIGKILL.

Linux's parent-death signal (``prctl(PR_SET_PDEATHSIG)``) is set in each child between
``fork`` and ``exec`` and survives the ``exec``: when the thread that started the child
ends (the runner's main thread, so the runner itself), the kernel sends the child the
signal. SIGTERM lets Locust and the target stop cleanly (the target takes its own worker
processes down with it); a child whose parent died before the call sends it to itself.

Children must be started from the runner's main thread (a parent-death signal follows
the thread that forked, not the process). On other systems this does nothing.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1


def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    function: Callable[..., int] = libc.prctl
    return function


_PRCTL = _prctl()


def dies_with_parent(signum: int = signal.SIGTERM) -> Callable[[], None]:
    """A ``preexec_fn``: new session, and ``signum`` when this process ends.

    Use instead of ``start_new_session=True`` (it starts the new session itself), so
    Ctrl-C in a terminal still reaches only the runner.
    """
    parent = os.getpid()

    def preexec() -> None:
        os.setsid()
        if _PRCTL is not None:
            _PRCTL(_PR_SET_PDEATHSIG, int(signum), 0, 0, 0)
        if os.getppid() != parent:  # the runner died before the call: no signal would come
            os.kill(os.getpid(), signum)

    return preexec
