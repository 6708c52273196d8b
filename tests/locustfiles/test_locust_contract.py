"""The parts of Locust stairload relies on: a Locust that changes one fails here, by name.

Locust is pinned in constraints.txt. The checks run in a fresh process
(``locust_contract.py``), since importing Locust monkey-patches the standard library.
When one fails after an upgrade, adapt the module the message names first.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CHECKER = Path(__file__).with_name("locust_contract.py")
CHECKS = {
    "version": "The installed Locust is the version constraints.txt pins.",
    "events": "Every Locust event the locustfiles listen to still exists.",
    "runner_messages": "register_message and send_message keep their parameters.",
    "workers": "The worker list, its 'missing' state and worker indexes are still there.",
    "fast_http_client": "FastHttpSession.request takes what users.py passes; answers mark.",
    "shape_hooks": "LoadTestShape keeps tick, reset_time, get_run_time, use_common_options.",
}


@pytest.fixture(scope="module")
def results() -> dict[str, str | None]:
    done = subprocess.run(
        [sys.executable, str(CHECKER)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("check", list(CHECKS))
def test_locust_still_provides(results: dict[str, str | None], check: str) -> None:
    """Each check of locust_contract.py passes (see CHECKS for what each one states)."""
    assert check in results, f"locust_contract.py has no check {check!r}"
    assert results[check] is None, results[check]
