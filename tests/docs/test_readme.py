"""The README and the docs stay true: every make target is documented, and their commands exist."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from stairload.cli import SUBCOMMANDS

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PAGES = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").glob("*.md"))]
DOCS = "\n".join([README, *PAGES])
_SUBCOMMAND_NAMES = {command.name for command in SUBCOMMANDS}


def _make_targets() -> list[str]:
    result = subprocess.run(
        ["make", "--no-print-directory", "help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [line.split()[0] for line in result.stdout.splitlines() if line.strip()]


def _code(text: str) -> str:
    """Only what the docs show as code: fenced blocks, indented blocks and `spans`."""
    fenced = re.findall(r"```[a-z]*\n(.*?)```", text, re.DOTALL)
    text = re.sub(r"```[a-z]*\n.*?```", "", text, flags=re.DOTALL)
    indented = re.findall(r"^(?: {4}|\t)(.*)$", text, re.MULTILINE)
    spans = re.findall(r"`([^`\n]+)`", text)
    return "\n".join([*fenced, *indented, *spans])


def _stairload_commands() -> set[tuple[str, ...]]:
    """Each `stairload WORD [WORD]` the docs show as code, up to its first option or value."""
    found = set()
    for match in re.finditer(r"(?<![\w.-])stairload((?: [a-z][a-z0-9-]*){1,2})", _code(DOCS)):
        found.add(tuple(match.group(1).split()))
    return found


def test_every_make_target_is_in_the_readme_or_the_docs() -> None:
    """Each target `make help` lists appears in the README or a docs page (N for 1, 2 or 3)."""
    missing = [
        target
        for target in _make_targets()
        if target.replace("N", "") not in DOCS and target not in DOCS
    ]
    assert missing == []


def test_the_readme_shows_the_two_commands() -> None:
    """A new user finds the main job and the test command."""
    assert "make stress-scenario2" in README
    assert "make test" in README


def test_every_stairload_command_the_docs_show_is_a_subcommand() -> None:
    """`stairload X` in the README or a docs page names a subcommand of `stairload --help`."""
    commands = _stairload_commands()
    unknown = sorted(" ".join(words) for words in commands if words[0] not in _SUBCOMMAND_NAMES)
    assert commands and unknown == []


@pytest.mark.integration
def test_every_stairload_command_the_docs_show_runs() -> None:
    """`stairload X [Y] --help` exits 0 for each command the docs show (Y: a nested command)."""
    failed = []
    for words in sorted(_stairload_commands()):
        result = subprocess.run(
            [sys.executable, "-m", "stairload", *words, "--help"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if result.returncode != 0:
            failed.append(f"stairload {' '.join(words)}: {result.stderr.strip()[-200:]}")
    assert failed == []


def test_every_module_the_docs_run_exists() -> None:
    """Each `python -m X` in the README or a docs page names a module that can run."""
    modules = set(re.findall(r"python3? -m ([a-z_][a-z0-9_.]*)", _code(DOCS)))
    missing = []
    for module in sorted(modules):
        spec = importlib.util.find_spec(module)
        if spec is None or (
            spec.submodule_search_locations is not None
            and importlib.util.find_spec(f"{module}.__main__") is None
        ):
            missing.append(module)
    assert missing == []


def test_no_doc_names_a_removed_entry_point() -> None:
    """The old `python -m` commands and the bare `stairload SCENARIO` are gone from the docs."""
    old = re.findall(
        r"python3? -m (?:stressrun|reports|alarms|warmup|scaleout|target_app|capacity)\b"
        r"|python3? -m stairload\.(?:run|alarms|warmup|scaleout|target)\b(?!\.)",
        DOCS,
    )
    assert old == []


def test_the_docs_say_what_the_loader_does_with_anchors_and_aliases() -> None:
    """Issue 23: the docs said 'no anchors or aliases' while scenarios.yaml uses both."""
    from capacity.config import load_scenarios
    from capacity.strict_yaml import MAX_VALUES

    scenarios = (ROOT / "scenarios.yaml").read_text(encoding="utf-8")
    assert re.search(r"&\w+", scenarios) and re.search(r"\*\w+", scenarios)
    load_scenarios(ROOT / "scenarios.yaml")  # loads, aliases and all
    flat = " ".join(DOCS.split())
    assert "no anchors or aliases" not in flat
    assert f"more than {MAX_VALUES:,} values once its aliases are expanded" in flat
