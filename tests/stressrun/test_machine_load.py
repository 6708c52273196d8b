"""The machine's own load during a run: sampled every second, summarised for run.json."""

from __future__ import annotations

import time

from stairload.run.machine_load import MachineLoad


def test_samples_every_second_and_summarises():
    """2.5 s of sampling: 2 samples, a busy share in 0..100 and a load average >= 0."""
    load = MachineLoad().start()
    time.sleep(2.5)
    load.stop()
    summary = load.summary()
    assert summary["samples"] == 2
    assert 0 <= summary["cpu_busy_percent_mean"] <= 100
    assert summary["load_average_max"] >= 0


def test_no_sample_no_summary():
    """Stopped before its first second: an empty summary, not zeros."""
    load = MachineLoad().start()
    load.stop()
    assert load.summary() == {}
