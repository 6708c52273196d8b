"""report.html in a real headless Chromium: every chart loads, the console stays clean."""

from __future__ import annotations

import browser
import pytest
from browser import ARGS, CHROMIUM, need_browser
from synthetic import StepSpec, SyntheticRun, write_run

from reports.build import build


@pytest.mark.browser
def test_report_opens_offline_with_every_image_loaded(tmp_path):
    """Headless Chromium shows report.html (capacity.png too), all images decoded, no errors."""
    need_browser()
    from playwright.sync_api import sync_playwright

    steps = (StepSpec(100, 1000, 100.0), StepSpec(200, 1600, 125.0), StepSpec(300, 1200, 250.0))
    run_dir = write_run(tmp_path / "run", SyntheticRun(steps=steps, step_seconds=20, mtt_ms=200.0))
    build(run_dir)
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
            page.goto(run_dir.joinpath("report.html").as_uri(), wait_until="load")
            widths = page.eval_on_selector_all(
                "img", "images => images.map(i => i.complete ? i.naturalWidth : 0)"
            )
            verdict = page.inner_text("#verdict .verdict")
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        finally:
            browser.close()
    assert len(widths) == 7 and all(width > 0 for width in widths), widths
    assert verdict == "FAIL"
    assert problems == []
    assert (tmp_path / "report.png").stat().st_size > 0


def test_missing_chromium_fails_in_ci(monkeypatch, tmp_path):
    """With CI=true a missing Chromium is a test failure, not a skip."""
    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="not found"):
        need_browser()


def test_missing_chromium_skips_locally(monkeypatch, tmp_path):
    """Without CI a missing Chromium skips the browser test, saying why."""
    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="make chromium"):
        need_browser()
