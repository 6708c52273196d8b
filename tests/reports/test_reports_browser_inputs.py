"""report.html in headless Chromium: the plan, the run and the generator on the first screen."""

from __future__ import annotations

import pytest
from browser import ARGS, CHROMIUM, need_browser
from synthetic import StepSpec, SyntheticRun, write_run

from reports.build import build

EXTRA = {
    "cases": {
        "average": {"dau": 25000, "think_time_seconds": [0, 0]},
        "stress": {"dau": 45000, "think_time_seconds": [0, 0]},
    },
    "inputs": {"dau": 45000, "peak_rate": 2.0, "safety_factor": 2.0, "response_time_ms": 500},
    "plan": {
        "requests_per_user_per_day": 18.5,
        "journey_seconds": 1000.0,
        "peak_rps": 38.541666,
        "vusers_exact": 2083.333,
        "vusers": 300,
        "target_tps": 600.0,
        "start_case": "average",
        "end_case": "stress",
        "start_vusers": 100,
    },
    "workers_reason": "auto: 2 cores; 1 Locust process wanted",
    "target_workers": 1,
    "machine": {"cores": 2, "platform": "Linux-x86_64"},
}


@pytest.fixture(scope="module")
def first_screen(tmp_path_factory) -> dict[str, object]:
    """Open a built report at 1280 x 900 and read the inputs' text and positions."""
    need_browser()
    from playwright.sync_api import sync_playwright

    steps = (StepSpec(100, 1000, 100.0), StepSpec(200, 1600, 125.0), StepSpec(300, 1200, 250.0))
    run = SyntheticRun(
        steps=steps, step_seconds=20, mtt_ms=200.0, generator_cpu_percent=(40, 60, 99), extra=EXTRA
    )
    run_dir = write_run(tmp_path_factory.mktemp("inputs") / "run", run)
    build(run_dir)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(run_dir.joinpath("report.html").as_uri(), wait_until="load")
            seen = {
                name: page.inner_text(f"#{name}")
                for name in ("plan", "run", "generator-steps", "target-cpu", "verdict")
            }
            seen["tops"] = {
                name: page.eval_on_selector(f"#{name}", "e => e.getBoundingClientRect().top")
                for name in ("plan", "run")
            }
        finally:
            browser.close()
    return seen


@pytest.mark.browser
def test_plan_shows_both_cases_and_what_they_led_to(first_screen):
    """The plan table names both DAUs, R, T, peak rate, think time, target, VUser and TPS."""
    plan = first_screen["plan"]
    for text in (
        "average 25,000 / stress 45,000",
        "requests per user per day (R)",
        "journey time (T)",
        "2 x 2",
        "think time",
        "18.5",
        "1,000 s",
        "500 ms",
        "average 100 -> stress 300 (exact 2,083.3)",
        "target TPS (plan)\t600",
    ):
        assert text in plan, text


@pytest.mark.browser
def test_run_shows_start_duration_host_workers_and_versions(first_screen):
    """The run table: start, duration, host, load generator with its reason, machine, versions."""
    run = first_screen["run"]
    for text in (
        "2026-11-17T08:53:20",
        "1 min 0 s",
        "http://127.0.0.1:8080 (embedded target, 1 server worker)",
        "auto: 2 cores; 1 Locust process wanted",
        "2 cores",
        "stairload 0.1.0",
    ):
        assert text in run, text


@pytest.mark.browser
def test_plan_and_run_are_on_the_first_screen(first_screen):
    """Both tables start within the first 900 pixels."""
    assert all(top < 900 for top in first_screen["tops"].values()), first_screen["tops"]


@pytest.mark.browser
def test_generator_cpu_and_memory_per_step(first_screen):
    """One row per step with the process's mean / peak CPU and peak memory."""
    table = first_screen["generator-steps"]
    assert "local: mean / peak CPU, peak memory, loop lag p99" in table
    assert "99 / 99%, 122 MB" in table


@pytest.mark.browser
def test_seconds_without_target_cpu_are_counted(first_screen):
    """The synthetic embedded target has no CPU values: 60 of 60 seconds without data."""
    assert "60 of 60 seconds without data" in first_screen["target-cpu"]
