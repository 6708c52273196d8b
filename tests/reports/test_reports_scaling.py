"""A scale-out run's scaling.json in report.html and in reports compare."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from reports.build import build
from reports.compare import compare

MakeRun = Callable[..., Path]


def _with_spike(run_dir: Path, worst_mtt_ms: float, launch_s: float) -> Path:
    spike = {
        "instance": "i-2",
        "in_service_s": 30.0,
        "launch_to_service_s": launch_s,
        "worst_mtt_ms": worst_mtt_ms,
        "mtt_before_ms": 120.0,
        "tps_dip_percent": 40.0,
    }
    (run_dir / "scaling.json").write_text(json.dumps({"spikes": [spike]}))
    return run_dir


def test_report_has_a_scaling_section_for_a_scale_out_run(make_run: MakeRun) -> None:
    """report.html shows each new instance's spike when scaling.json is there."""
    run_dir = _with_spike(make_run(), 812.0, 1.0)
    build(run_dir)
    page = (run_dir / "report.html").read_text()
    assert '<a href="scaling.html">' in page
    assert "<td>812.0</td><td>120.0</td><td>40</td>" in page


def test_report_without_scaling_has_no_scaling_section(make_run: MakeRun) -> None:
    """A plain stress run's report has no Scaling section."""
    run_dir = make_run()
    build(run_dir)
    assert "scaling-spikes" not in (run_dir / "report.html").read_text()


def test_compare_shows_both_runs_spikes_side_by_side(make_run: MakeRun, tmp_path: Path) -> None:
    """reports compare of runs without and with warm-up lists A's spike, then B's."""
    run_a = _with_spike(make_run(), 812.0, 1.0)
    run_b = _with_spike(make_run(), 130.0, 9.5)
    page = (compare(run_a, run_b, tmp_path / "cmp").out_dir / "compare.html").read_text()
    assert (
        "<tr><td>A</td><td>i-2</td><td>1.0</td><td>812.0</td><td>120.0</td><td>40.0</td></tr>"
        "<tr><td>B</td><td>i-2</td><td>9.5</td><td>130.0</td><td>120.0</td><td>40.0</td></tr>"
    ) in page
