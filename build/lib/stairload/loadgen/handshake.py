"""Workers from anywhere: each says who it is and what it runs; a mismatch is refused.

A worker sends the master, as soon as it connects, the hash of its code (the project's
packages a worker imports) and of its scenarios file, and a name (host and the address
it reaches the master from). The master compares them with its own:

- equal: the worker is accepted and its name is used in logs and ``run.json``;
- different: both sides log one line, the master drops the worker (it never gets users)
  and the worker exits with code 2.

Locust sends the master's options to workers with every spawn; the worker then puts its
own scenarios path back, so a master started with ``--scenarios /abs/path`` does not
send workers looking for that path on their machine (the hashes say the files agree).
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import socket
import sys
from pathlib import Path
from typing import Any

from stairload.core import exitcodes
from stairload.loadgen.runtime import runtime

HELLO = "stairload_hello"
REFUSED = "stairload_refused"
# The installed import names whose code runs in a worker (a test keeps this list complete).
WORKER_PACKAGES = ("capacity", "locustfiles", "stairload")
_HASHED_SUFFIXES = (".py", ".yaml", ".json")

_log = logging.getLogger("stairload")


def code_hash(packages: tuple[str, ...] = WORKER_PACKAGES) -> str:
    """SHA-256 of every source and data file of ``packages`` (names and contents, sorted)."""
    digest = hashlib.sha256()
    for package in packages:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            digest.update(f"{package}: missing\n".encode())
            continue
        root = Path(next(iter(spec.submodule_search_locations)))
        files = sorted(
            path
            for path in root.rglob("*")
            if path.suffix in _HASHED_SUFFIXES and "__pycache__" not in path.parts
        )
        for path in files:
            digest.update(f"{package}/{path.relative_to(root).as_posix()}\n".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def file_hash(path: str | Path) -> str:
    """SHA-256 of one file's bytes ("missing" when it cannot be read)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "missing"


def identity(scenarios_path: str, master_host: str = "", master_port: int = 0) -> dict[str, str]:
    """What a worker tells the master: its name and the two hashes."""
    return {
        "name": worker_name(master_host, master_port),
        "code": code_hash(),
        "scenarios": file_hash(scenarios_path),
    }


def worker_name(master_host: str, master_port: int) -> str:
    """``host (address)``: the address is the one this machine reaches the master from."""
    host = socket.gethostname()
    if not master_host:
        return host
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect((master_host, master_port or 5557))  # UDP: sends nothing
            address = probe.getsockname()[0]
    except OSError:
        return host
    return f"{host} ({address})"


def mismatch(own: dict[str, str], other: dict[str, str]) -> str:
    """Why ``other`` does not run what ``own`` runs ("" when it does)."""
    parts = [
        f"{label} differs (worker {other.get(key, '?')[:12]}, master {own[key][:12]})"
        for key, label in (("code", "code"), ("scenarios", "scenarios file"))
        if other.get(key) != own[key]
    ]
    return "; ".join(parts)


class MasterHandshake:
    """On the master: check each worker's hello; name the accepted, drop the others."""

    def __init__(self, environment: Any, scenarios_path: str) -> None:
        self.environment = environment
        self.own = {"code": code_hash(), "scenarios": file_hash(scenarios_path)}
        self.names: dict[str, str] = {}
        self.refused: list[dict[str, str]] = []
        environment.runner.register_message(HELLO, self._on_hello)

    def _on_hello(self, environment: Any, msg: Any, **_: Any) -> None:
        runner = environment.runner
        hello = dict(msg.data)
        name = hello.get("name") or msg.node_id
        problem = mismatch(self.own, hello)
        if not problem:
            if "(127." not in name:  # local workers keep their plain worker-N names
                self.names[msg.node_id] = name
            return
        _log.error("Error: worker %s refused: %s", name, problem)
        self.refused.append({"worker": name, "reason": problem})
        runner.send_message(REFUSED, problem, client_id=msg.node_id)
        client = runner.clients.get(msg.node_id)
        if client is not None:
            del runner.clients[msg.node_id]
            if runner._users_dispatcher is not None:  # Locust keeps no public way to drop one
                runner._users_dispatcher.remove_worker(client)


class WorkerHandshake:
    """On a worker: say hello; exit 2 if refused; keep the local scenarios path."""

    def __init__(self, environment: Any, scenarios_path: str) -> None:
        self.environment = environment
        self.scenarios_path = scenarios_path
        runtime(environment).local_scenarios = scenarios_path
        runner = environment.runner
        runner.register_message(REFUSED, self._on_refused)
        environment.events.test_start.add_listener(self._on_test_start)
        options = environment.parsed_options
        hello = identity(scenarios_path, options.master_host, options.master_port)
        runner.send_message(HELLO, hello)

    def _on_refused(self, environment: Any, msg: Any, **_: Any) -> None:
        print(f"Error: the master refused this worker: {msg.data}", file=sys.stderr, flush=True)
        environment.process_exit_code = exitcodes.USAGE  # not the master's code or scenarios
        environment.runner.quit()

    def _on_test_start(self, environment: Any, **_: Any) -> None:
        # The spawn message just replaced our options with the master's; keep our own file.
        environment.parsed_options.scenarios = self.scenarios_path
