"""The documentation site builds strictly, and the README stays a five-minute read."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
README_MAX_LINES = 300


def _nav_pages(nav: list) -> list[str]:
    pages = []
    for entry in nav:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        pages += _nav_pages(value) if isinstance(value, list) else [value]
    return pages


def _mkdocs_config() -> dict:
    return yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


def test_the_readme_is_under_300_lines() -> None:
    """README.md keeps to what a newcomer needs; the rest lives in docs/."""
    assert len(README.splitlines()) < README_MAX_LINES


def test_mkdocs_build_strict_succeeds(tmp_path: Path) -> None:
    """`mkdocs build --strict` passes: no broken link or anchor, no page missing from the nav."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (tmp_path / "index.html").is_file()
    own_service = (tmp_path / "own-service" / "index.html").read_text(encoding="utf-8")
    assert "notes.yaml" in own_service  # the README's section, included by snippets


def test_the_site_is_strict_and_lists_every_page() -> None:
    """mkdocs.yml is strict, warns on every finding, and its nav names each page of docs/."""
    config = _mkdocs_config()
    assert config["strict"] is True
    assert config["docs_dir"] == "docs" and config["site_dir"] == "runs/site"
    assert config["theme"]["name"] == "material"
    pages = sorted(path.name for path in (ROOT / "docs").glob("*.md"))
    assert sorted(_nav_pages(config["nav"])) == pages


def test_every_relative_link_of_the_readme_exists() -> None:
    """Each link of the README to a file of the repository points at a file that is there."""
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", README)
    local = [target for target in targets if "://" not in target]
    assert local and [target for target in local if not (ROOT / target).exists()] == []


def test_the_architecture_page_names_every_layer() -> None:
    """docs/architecture.md names each part of the import-linter layers contract."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    parts = {part.strip() for layer in contract["layers"] for part in re.split(r"[|:]", layer)}
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert [part for part in sorted(parts) if f"`{part}`" not in page] == []
