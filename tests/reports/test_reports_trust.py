"""The report's first lines say whether the capacity answer can be trusted, and what to change.

Synthetic runs (exact per-second numbers): one whose plateaus follow a known USL curve, one
whose plateaus all sit past the knee with per-second noise (the default stair of a 2-core
machine without probe steps).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from synthetic import StepSpec, SyntheticRun, write_run

from capacity.usl import MIN_R2, usl_tps
from reports.console import build_and_report

SIGMA, KAPPA, LAMBDA = 0.02, 5e-5, 20.0
KNOWN_CURVE_USERS = (10, 20, 40, 80, 120, 160, 200, 240)
STEP_SECONDS = 40


def _run(run_dir: Path, steps: list[StepSpec], noise: float = 0.0, **record: object) -> Path:
    seconds = STEP_SECONDS * len(steps)
    draw = random.Random(7)
    factors = [max(0.05, 1.0 + draw.gauss(0.0, noise)) for _ in range(seconds)]
    run = SyntheticRun(
        steps=steps,
        step_seconds=STEP_SECONDS,
        ramp_seconds=5,
        request_factors=factors if noise else None,
        extra=dict(record),
    )
    return write_run(run_dir, run)


def _known_curve(run_dir: Path) -> Path:
    steps = []
    for users in KNOWN_CURVE_USERS:
        tps = 2 * round(usl_tps(users, SIGMA, KAPPA, LAMBDA) / 2)
        steps.append(StepSpec(users, tps, users / tps * 1000))
    return _run(run_dir, steps)


def _past_the_knee(run_dir: Path, noise: float) -> Path:
    """Ten plateaus, 1,200 to 2,100 users, all at ~3,000 TPS: a flat, noisy line."""
    steps = [StepSpec(users, 3000, users / 3.0) for users in range(1200, 2101, 100)]
    return _run(
        run_dir,
        steps,
        noise,
        embedded_target=True,
        machine={"cores": 2, "load_average_max": 9.5},
    )


def _first_lines(run_dir: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    build_and_report(run_dir)
    return capsys.readouterr().out.splitlines()


def test_a_trusted_model_is_the_line_after_the_verdict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The known curve: 'model: USL fit over 8 plateaus ...' with N* and its 95% interval."""
    lines = _first_lines(_known_curve(tmp_path / "run"), capsys)
    assert lines[0].startswith("verdict: ")
    assert lines[1].startswith("model: USL fit over 8 plateaus (0 probe steps), R^2 ")
    assert "peak concurrency N* " in lines[1]
    assert "(95% CI " in lines[1]
    assert not any(line.startswith("to trust it:") for line in lines)


def test_an_untrusted_model_says_why_and_what_to_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Plateaus past the knee, no probes, a busy machine: each change on its own line."""
    run_dir = _past_the_knee(tmp_path / "run", noise=0.3)
    lines = _first_lines(run_dir, capsys)
    assert lines[1].startswith("model: NOT trustworthy: ")
    changes = [line for line in lines if line.startswith("to trust it: ")]
    assert lines[2 : 2 + len(changes)] == changes  # right under the model line
    text = "\n".join(changes)
    assert "probe steps below the plan" in text
    assert "a quieter machine: the load average reached 9.5 on 2 cores" in text
    assert "--target-cpus 1" in text
    trust = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))["trust"]
    assert trust["trusted"] is False
    assert trust["changes"] == [line.removeprefix("to trust it: ") for line in changes]
    page = (run_dir / "report.html").read_text(encoding="utf-8")
    assert page.index('id="model-trust"') < page.index('id="verdict"')
    assert "to trust it: probe steps below the plan" in page


def test_seconds_per_step_are_estimated_from_the_batch_variance(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A curve hidden under per-second noise: 'about N s per step', N above the 40 s measured.

    The estimate's own rule: with steps f times longer the noise part of the residuals
    falls f-fold; f is where R^2 reaches MIN_R2 or every interval fits the 10% band.
    """
    steps = []
    for users in KNOWN_CURVE_USERS:
        tps = 2 * round(usl_tps(users, SIGMA, KAPPA, LAMBDA) / 2)
        steps.append(StepSpec(users, tps, users / tps * 1000))
    run_dir = _run(tmp_path / "run", steps, noise=0.6)
    lines = _first_lines(run_dir, capsys)
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    if summary["model"]["trustworthy"]:  # the seed's draw would make this test vacuous
        pytest.fail(f"the noisy curve fitted with R^2 {summary['model']['r2']} >= {MIN_R2}")
    seconds = [line for line in lines if "s per step (now " in line]
    assert seconds, lines
    needed = int(seconds[0].split("about ", 1)[1].split(" s per step", 1)[0].replace(",", ""))
    assert needed > STEP_SECONDS
    assert f"--step-seconds {needed:,}" in seconds[0]
