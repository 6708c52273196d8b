"""Remote workers, the pure parts: addresses, hashes, and what a refusal says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from stairload.loadgen.handshake import WORKER_PACKAGES, code_hash, file_hash, mismatch
from stairload.run.remote_worker import DEFAULT_MASTER_PORT, master_address

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.0.0.5", ("10.0.0.5", DEFAULT_MASTER_PORT)),
        ("10.0.0.5:6000", ("10.0.0.5", 6000)),
        ("master.example:5557", ("master.example", 5557)),
    ],
)
def test_master_address_reads_host_and_optional_port(text: str, expected: tuple) -> None:
    """HOST alone uses Locust's port 5557; HOST:PORT uses PORT."""
    assert master_address(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (":5557", "--master: expected HOST or HOST:PORT (got ':5557')"),
        ("host:http", "--master: port must be 1-65535 (got 'http')"),
        ("host:70000", "--master: port must be 1-65535 (got '70000')"),
    ],
)
def test_a_bad_master_address_is_one_clear_message(text: str, message: str) -> None:
    """A malformed --master names the option, what is allowed and the value."""
    with pytest.raises(ValueError) as error:
        master_address(text)
    assert str(error.value) == message


def test_the_code_hash_changes_when_one_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Editing one source file of a hashed package gives another hash."""
    package = tmp_path / "hashme_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "mod.py").write_text("X = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    before = code_hash(("hashme_pkg",))
    assert code_hash(("hashme_pkg",)) == before
    (package / "mod.py").write_text("X = 2\n")
    assert code_hash(("hashme_pkg",)) != before


def test_the_file_hash_of_a_missing_file_is_missing(tmp_path: Path) -> None:
    """A scenarios file that is not there hashes to "missing", which never equals a real one."""
    assert file_hash(tmp_path / "nope.yaml") == "missing"


def test_a_mismatch_says_which_part_differs() -> None:
    """Only the differing part is named, with both short hashes."""
    own = {"code": "a" * 64, "scenarios": "b" * 64}
    other = {"code": "a" * 64, "scenarios": "c" * 64}
    assert mismatch(own, other) == (
        "scenarios file differs (worker cccccccccccc, master bbbbbbbbbbbb)"
    )
    assert mismatch(own, dict(own)) == ""


def test_every_project_package_a_worker_imports_is_hashed() -> None:
    """The locustfile imports no package of this project that the code hash leaves out."""
    script = (
        "import json, sys; import locustfiles.stress; root = sys.argv[1]; "
        "print(json.dumps(sorted({n.split('.')[0] for n, m in list(sys.modules.items()) "
        "if (getattr(m, '__file__', None) or '').startswith(root) "
        "and '/site-packages/' not in m.__file__})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(ROOT) + "/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    imported = set(json.loads(result.stdout))
    assert imported and imported <= set(WORKER_PACKAGES)
