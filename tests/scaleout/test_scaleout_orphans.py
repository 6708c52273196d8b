"""HAProxy and the instances die with the scale-out runner, even when it is killed with SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import psutil
from processes import gone

RUNNER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from stairload.scaleout import instances
    from stairload.scaleout.group import free_port
    from stairload.scaleout.haproxy import BalancerConfig, HAProxy

    run_dir = Path(sys.argv[1])
    haproxy = HAProxy(
        BalancerConfig(port=free_port(), socket_path=run_dir / "haproxy.sock", slots=1), run_dir
    )
    haproxy.start()
    instance = instances.launch(
        '{python} -c "import time; time.sleep(120)"', "i-1", free_port(), {}, run_dir
    )
    print(json.dumps([haproxy._process.pid, instance.process.pid]), flush=True)
    time.sleep(120)
    """
)


def test_haproxy_and_an_instance_die_when_the_runner_is_sigkilled(tmp_path: Path) -> None:
    """SIGKILL of the process that started them leaves neither HAProxy nor the instance."""
    children: list[int] = []
    with subprocess.Popen(
        [sys.executable, "-c", RUNNER, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    ) as runner:
        try:
            assert runner.stdout is not None
            children = json.loads(runner.stdout.readline())
            assert all(psutil.pid_exists(pid) for pid in children)
            runner.send_signal(signal.SIGKILL)
            runner.wait()
            assert [pid for pid in children if not gone(pid, 10.0)] == []
        finally:
            for pid in children:
                if psutil.pid_exists(pid):
                    os.kill(pid, signal.SIGKILL)
