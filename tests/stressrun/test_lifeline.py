"""run.lifeline: a child started with dies_with_parent() ends when its parent is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import psutil
from processes import gone

_PARENT = textwrap.dedent(
    """
    import subprocess, sys, time
    from stairload.run.lifeline import dies_with_parent
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(120)"], preexec_fn=dies_with_parent()
    )
    print(child.pid, flush=True)
    time.sleep(120)
    """
)


def test_sigkill_of_the_parent_ends_the_child() -> None:
    """SIGKILL on the parent: the kernel sends the child SIGTERM and it exits."""
    parent = subprocess.Popen(
        [sys.executable, "-c", _PARENT], stdout=subprocess.PIPE, text=True, env=os.environ
    )
    assert parent.stdout is not None
    child_pid = int(parent.stdout.readline())
    child = psutil.Process(child_pid)
    assert child.ppid() == parent.pid
    assert os.getsid(child_pid) == child_pid  # its own session, as start_new_session gave
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    parent.stdout.close()
    try:
        assert gone(child_pid, 5.0)
    finally:
        if not gone(child_pid, 0.0):
            child.kill()
