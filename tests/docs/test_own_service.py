"""The README's "Test your own service", followed literally against a service not target_app.

The files come out of the README's code blocks; the commands are the README's, with the
notes service's real port, a run directory in tmp_path, and a VENV holding the test's
own interpreter and a ``stairload`` launcher for it (with a fresh STAMP), so make does not
set up another environment. docs/own-service.md includes the same section from the README
(mkdocs' snippets), so the site shows what is tested here.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from stairload.target.testing import free_port

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("## Test your own service") :]
SECTION = SECTION[: SECTION.index("\n## ", 10)]
NOTES_SERVICE = Path(__file__).with_name("notes_service.py")
CAPACITY = Path(sys.executable).with_name("capacity")  # the console script of this venv


def _block(language: str) -> str:
    return re.findall(rf"```{language}\n(.*?)```", SECTION, re.DOTALL)[0]


@pytest.fixture
def mytest(tmp_path: Path) -> Path:
    """The README's mytest/ folder: users.csv and notes.yaml, exactly as printed."""
    folder = tmp_path / "mytest"
    folder.mkdir()
    (folder / "users.csv").write_text(_block("csv"))
    (folder / "notes.yaml").write_text(_block("yaml"))
    return folder


@pytest.fixture
def notes_url(tmp_path: Path) -> Iterator[str]:
    """The notes service on a free loopback port, with the README's three accounts."""
    port = free_port()
    log = (tmp_path / "notes.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, str(NOTES_SERVICE), "--port", str(port), "--users", "3"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/sessions", timeout=1)
        except urllib.error.HTTPError:
            break  # it answers (405/501 for GET): up
        except OSError:
            time.sleep(0.1)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _venv(folder: Path) -> Path:
    """A stand-in .venv: bin/python and bin/stairload run this interpreter; a fresh stamp."""
    (folder / "bin").mkdir(parents=True)
    (folder / "bin" / "python").symlink_to(sys.executable)
    launcher = folder / "bin" / "stairload"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m stairload "$@"\n')
    launcher.chmod(0o755)
    (folder / "stamp").touch()
    return folder


def _commands() -> list[str]:
    return [line for block in re.findall(r"```sh\n(.*?)```", SECTION, re.DOTALL)
            for line in block.splitlines() if line.strip()]  # fmt: skip


def test_the_plan_check_of_the_readme_accepts_its_yaml(mytest: Path) -> None:
    """Step 3: capacity table reads the README's notes.yaml and plans 4 -> 6 VUser."""
    command = _commands()[0].replace("mytest/", f"{mytest}/").split()
    assert command[0] == ".venv/bin/capacity"
    command[0] = str(CAPACITY)
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert re.search(r"notes .* 2\.8 +4 ", result.stdout) and re.search(r" 5\.6 +6 ", result.stdout)


def test_the_error_example_of_the_readme_is_what_a_typo_prints(mytest: Path) -> None:
    """The README's example error is the exact line a misspelt variable gives."""
    path = mytest / "notes.yaml"
    path.write_text(path.read_text().replace("GET /notes/{note_id}", "GET /notes/{noteid}"))
    result = subprocess.run(
        [str(CAPACITY), "table", "--scenarios", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    example = re.search(r"`(Error: mytest/notes\.yaml: [^`]*)`", SECTION).group(1)
    assert result.returncode == 2
    assert result.stderr == example.replace("mytest/", f"{mytest}/") + "\n"


@pytest.mark.integration
def test_the_smoke_run_of_the_readme_reports_on_the_notes_service(
    mytest: Path, notes_url: str, tmp_path: Path
) -> None:
    """Step 4's smoke run: every request of the journey succeeds and the report is written."""
    venv = _venv(tmp_path / "venv")
    line = _commands()[1].replace("mytest/", f"{mytest}/")
    line = line.replace("http://127.0.0.1:8099", notes_url)
    command = [*line.split(), f"RUN_DIR={tmp_path / 'run'}", f"VENV={venv}"]
    command += [f"STAMP={venv / 'stamp'}", "--no-print-directory"]
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    run = tmp_path / "run"
    record = json.loads((run / "run.json").read_text())
    assert record["exit_reason"] == "completed"
    assert record["user_classes"] == ["NotesUser"]
    with (run / "locust_stats.csv").open(newline="") as handle:
        rows = {(row["Type"], row["Name"]): row for row in csv.DictReader(handle)}
    names = {key for key in rows if key[1] != "Aggregated"}
    assert names == {("POST", "/sessions"), ("GET", "/notes"), ("POST", "/notes"),
                     ("GET", "/notes/[id]"), ("PUT", "/notes/[id]"),
                     ("DELETE", "/notes/[id]")}  # fmt: skip
    assert int(rows[("", "Aggregated")]["Request Count"]) > 100
    assert int(rows[("", "Aggregated")]["Failure Count"]) == 0
    assert (run / "report.html").stat().st_size > 0
