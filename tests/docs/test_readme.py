"""The README stays true: every make target is documented, and its commands exist."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


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


def test_every_make_target_is_in_the_readme() -> None:
    """Each target `make help` lists appears in the README (N standing for 1, 2 or 3)."""
    missing = [
        target
        for target in _make_targets()
        if target.replace("N", "") not in README and target not in README
    ]
    assert missing == []


def test_the_readme_shows_the_two_commands() -> None:
    """A new user finds the main job and the test command."""
    assert "make stress-scenario2" in README
    assert "make test" in README


def test_every_module_the_readme_runs_exists() -> None:
    """Each `python -m X` in the README names a package of this project."""
    modules = set(re.findall(r"python -m ([a-z_]+)", README))
    assert modules and all((ROOT / module / "__main__.py").exists() for module in modules)
