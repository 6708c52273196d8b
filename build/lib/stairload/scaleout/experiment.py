"""The source story's experiment: the same scale-out at several warm-up sizes, one table.

Each warm-up size is one ``stairload scaleout run`` (its own process and run directory);
the table reads each run's ``scaling.json``: for every instance that entered service
during the load, the warm-up calls, launch-to-in-service time, the worst per-second MTT
after it entered service, the MTT of the 30 s before, and the TPS dip.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stairload.rundir.files import EXPERIMENT_MD, SCALING_JSON

JVM_EXPERIMENT_CMD = "java -jar runs/trip-jvm/trip-jvm.jar --port {port} --users {users}"


def run_experiment(warmups: Sequence[int], run_options: Sequence[str], out_dir: Path) -> Path:
    """Run one scale-out per warm-up size; write experiment.md; return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[int, Path, int]] = []
    for warmup in warmups:
        run_dir = out_dir / f"warmup{warmup}"
        command = [
            sys.executable,
            "-m",
            "stairload",
            "scaleout",
            "run",
            *run_options,
            "--warmup",
            str(warmup),
            "--run-dir",
            str(run_dir),
        ]
        print(f"[experiment] warm-up {warmup:,}: {' '.join(command[1:])}", flush=True)
        code = subprocess.run(command).returncode
        rows.append((warmup, run_dir, code))
    table = experiment_table(rows)
    path = out_dir / EXPERIMENT_MD
    path.write_text(table + "\n", encoding="utf-8")
    print(table, flush=True)
    return path


def experiment_table(rows: Sequence[tuple[int, Path, int]]) -> str:
    """The Markdown table of the runs (one line per instance that entered service)."""
    lines = [
        "| warm-up calls | instance | launch to in service (s) | worst MTT after in service (ms)"
        " | MTT 30 s before (ms) | TPS dip (%) | failed requests | exit |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for warmup, run_dir, code in rows:
        figures = _figures(run_dir)
        spikes = figures.get("spikes", [])
        failed = f"{figures.get('failures', 0):,} of {figures.get('requests', 0):,}"
        if not spikes:
            lines.append(f"| {warmup:,} | (no scale-out) | - | - | - | - | {failed} | {code} |")
        for spike in spikes:
            lines.append(
                f"| {warmup:,} | {spike['instance']} | {_num(spike['launch_to_service_s'])} | "
                f"{_num(spike['worst_mtt_ms'])} | {_num(spike['mtt_before_ms'])} | "
                f"{_num(spike['tps_dip_percent'])} | {failed} | {code} |"
            )
    return "\n".join(lines)


def _figures(run_dir: Path) -> dict[str, Any]:
    path = run_dir / SCALING_JSON
    return json.loads(path.read_text()) if path.exists() else {}


def _num(value: object) -> str:
    return "-" if value is None else f"{float(value):,.1f}"  # type: ignore[arg-type]


def main(argv: Sequence[str]) -> int:
    """``stairload scaleout experiment [--warmups 0,1500,10000] RUN OPTIONS...``."""
    args = list(argv)
    warmups = [0, 1500, 10000]
    if args[:1] == ["--warmups"]:
        warmups = [int(part) for part in args[1].split(",")]
        args = args[2:]
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    run_experiment(warmups, args, Path("runs") / f"{stamp}-scaleout-experiment")
    return 0
