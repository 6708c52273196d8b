"""One package in layers: four import names, a layers contract that holds and names every part."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IMPORT_NAMES = {"stairload", "capacity", "reports", "locustfiles"}
_NOT_SOURCE = shutil.ignore_patterns("__pycache__", "*.egg-info")


def _layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    return contract["layers"]


def _layer_names() -> set[str]:
    return {name.strip() for layer in _layers() for name in layer.replace(":", "|").split("|")}


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _dotted(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.mark.integration
def test_a_fresh_install_has_exactly_four_import_names(tmp_path: Path) -> None:
    """`pip install .` into a new venv puts stairload, capacity, reports and locustfiles there."""
    source = tmp_path / "source"  # a copy: an in-tree build would leave build/ in the checkout
    for name in ("pyproject.toml", "README.md"):
        source.mkdir(exist_ok=True)
        shutil.copy(ROOT / name, source / name)
    for package in (path.name for path in ROOT.iterdir() if (path / "__init__.py").exists()):
        shutil.copytree(ROOT / package, source / package, ignore=_NOT_SOURCE)
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
         "--wheel-dir", str(wheels), str(source)],
        check=True, capture_output=True, cwd=tmp_path,
    )  # fmt: skip
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    (wheel,) = wheels.glob("stairload-*.whl")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--no-deps", str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    listing = (
        "from importlib.metadata import packages_distributions as p; "
        "print(' '.join(sorted(n for n, d in p().items() if 'stairload' in d)))"
    )
    names = subprocess.run(
        [str(python), "-c", listing], check=True, capture_output=True, text=True, cwd=tmp_path
    ).stdout.split()
    assert set(names) == IMPORT_NAMES


@pytest.mark.integration
def test_lint_imports_keeps_the_layers() -> None:
    """lint-imports (import-linter) finds no import from a lower layer to a higher one."""
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports"))],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 1 kept, 0 broken." in result.stdout


def test_the_layers_name_every_subpackage_and_every_capacity_module() -> None:
    """Each part of stairload, each capacity module but cli, reports and locustfiles is layered."""
    named = _layer_names()
    parts = {
        f"stairload.{path.name}"
        for path in (ROOT / "stairload").iterdir()
        if (path / "__init__.py").exists()
    }
    parts |= {f"stairload.{p.stem}" for p in (ROOT / "stairload").glob("*.py")}
    parts -= {"stairload.__init__", "stairload.__main__"}
    parts |= {f"capacity.{p.stem}" for p in (ROOT / "capacity").glob("*.py")} - {
        "capacity.__init__"
    }
    parts |= {"reports", "locustfiles"}
    assert parts - named == set()
    assert named - parts == set()


def test_no_module_imports_a_private_name_of_another_part() -> None:
    """A name starting with ``_`` is imported only inside the package or subpackage that owns it."""
    owners = sorted(_layer_names() - {n for n in _layer_names() if n.startswith("capacity.")})
    owners = sorted([*owners, "capacity"], key=len, reverse=True)

    def owner(module: str) -> str:
        return next((o for o in owners if module == o or module.startswith(o + ".")), module)

    found = []
    for package in IMPORT_NAMES:
        for path in _modules(package):
            here = owner(_dotted(path))
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
                    continue
                if node.module.split(".")[0] not in IMPORT_NAMES or owner(node.module) == here:
                    continue
                private = [a.name for a in node.names if a.name.startswith("_")]
                if private or any(p.startswith("_") for p in node.module.split(".")):
                    found.append(f"{_dotted(path)}: from {node.module} import {private}")
    assert found == []
