"""The experiment table, read from each run's scaling.json."""

from __future__ import annotations

import json
from pathlib import Path

from stairload.scaleout.experiment import experiment_table


def _run(tmp_path: Path, name: str, figures: dict[str, object]) -> Path:
    run_dir = tmp_path / name
    run_dir.mkdir()
    (run_dir / "scaling.json").write_text(json.dumps(figures))
    return run_dir


def test_one_line_per_instance_that_entered_service(tmp_path: Path) -> None:
    """Each spike is a line with warm-up calls, launch time, worst and plateau MTT, dip."""
    spike = {
        "instance": "i-2",
        "launch_to_service_s": 12.25,
        "worst_mtt_ms": 812.0,
        "mtt_before_ms": 310.5,
        "tps_dip_percent": 40.0,
    }
    run_dir = _run(tmp_path, "w0", {"spikes": [spike], "failures": 0, "requests": 1000})
    assert experiment_table([(0, run_dir, 0)]).splitlines()[2] == (
        "| 0 | i-2 | 12.2 | 812.0 | 310.5 | 40.0 | 0 of 1,000 | 0 |"
    )


def test_run_without_scale_out_says_so(tmp_path: Path) -> None:
    """A run in which no instance entered service during the load is named, not dropped."""
    run_dir = _run(tmp_path, "w1500", {"spikes": [], "failures": 3, "requests": 900})
    assert experiment_table([(1500, run_dir, 99)]).splitlines()[2] == (
        "| 1,500 | (no scale-out) | - | - | - | - | 3 of 900 | 99 |"
    )
