"""examples/ci: the GitHub Actions and GitLab CI pipelines parse, and what they run exists."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
GITHUB = ROOT / "examples" / "ci" / "github-actions.yml"
GITLAB = ROOT / "examples" / "ci" / "gitlab-ci.yml"
STAIRLOAD = Path(sys.executable).parent / "stairload"


def _github() -> tuple[list[str], dict[str, str]]:
    workflow = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["stress"]["steps"]
    return [step["run"] for step in steps if "run" in step], dict(workflow["env"])


def _gitlab() -> tuple[list[str], dict[str, str]]:
    job = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))["stress"]
    return list(job["script"]), dict(job["variables"])


def _commands(scripts: list[str], env: dict[str, str]) -> list[list[str]]:
    """Each simple command of the scripts, variables filled in, shell keywords left out."""
    env = {**env, "GITHUB_STEP_SUMMARY": "step-summary.md"}
    commands = []
    for script in scripts:
        text = script.replace("\\\n", " ")  # a line continued with a backslash
        text = re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m.group(1), m.group(0)), text)
        for part in re.split(r"\n|;|\bthen\b|\belse\b|\bfi\b", text):
            words = shlex.split(part)
            if words and words[0] == "if":
                continue
            if words:
                commands.append(words)
    return commands


@pytest.mark.parametrize("load", [_github, _gitlab], ids=["github", "gitlab"])
def test_the_pipeline_runs_setup_a_scaled_stair_a_build_and_a_gate(load) -> None:
    """Each pipeline sets up, runs a scaled make stress-scenario2, builds JUnit, gates."""
    commands = _commands(*load())
    heads = [" ".join(words[:3]) for words in commands]
    assert "make setup" in heads
    stress = next(words for words in commands if words[:2] == ["make", "stress-scenario2"])
    assert "TIME_SCALE=0.05" in stress
    build = next(words for words in commands if words[1:3] == ["report", "build"])
    assert "--junit" in build
    assert any(words[1:3] == ["report", "gate"] for words in commands)


@pytest.mark.parametrize("load", [_github, _gitlab], ids=["github", "gitlab"])
def test_every_make_target_and_variable_exists(load) -> None:
    """`make -n` accepts each make command as written; its options are stairload run's."""
    for words in _commands(*load()):
        if words[0] != "make":
            continue
        dry = subprocess.run(
            ["make", "-n", *words[1:]], cwd=ROOT, capture_output=True, text=True, check=False
        )
        assert dry.returncode == 0, dry.stderr
        for assignment in words[2:]:
            name = assignment.split("=", 1)[0]
            assert re.search(rf"^{name} \?=", _makefiles(), re.M), name
        extra = [w.split("=", 1)[1] for w in words if w.startswith("STRESS_ARGS=")]
        _assert_options_exist(["run"], shlex.split(" ".join(extra)))


@pytest.mark.parametrize("load", [_github, _gitlab], ids=["github", "gitlab"])
def test_every_stairload_command_and_option_exists(load) -> None:
    """Each `stairload ...` the pipeline runs answers --help and knows each option it gets."""
    seen = 0
    for words in _commands(*load()):
        if not words[0].endswith("bin/stairload"):
            continue
        seen += 1
        subcommand = words[1:3] if words[1] == "report" else words[1:2]
        _assert_options_exist(subcommand, words)
    assert seen >= 2


def _makefiles() -> str:
    return "\n".join(
        path.read_text(encoding="utf-8") for path in [ROOT / "Makefile", *ROOT.glob("mk/*.mk")]
    )


def _assert_options_exist(subcommand: list[str], words: list[str]) -> None:
    result = subprocess.run(
        [str(STAIRLOAD), *subcommand, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert result.returncode == 0, result.stderr
    for option in (word for word in words if word.startswith("--")):
        assert re.search(rf"(^|[\s,]){re.escape(option)}\b", result.stdout), (subcommand, option)
