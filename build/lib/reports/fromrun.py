"""A run directory's capacity reading, for ``capacity instances`` and ``what-if --from-run``.

The run is read by the report's own analysis (``reports.build.analyse``), so the
command and the report show the same plateaus. pandas and scipy load here, only on the
``--from-run`` path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from capacity.config import Suite
from capacity.measured import Demand, Plateau, read_capacity
from capacity.measured_render import RunCapacity
from capacity.plan import PlanRow
from capacity.whatif import CasePlan
from stairload.core.errors import UsageError
from stairload.rundir import RUN_JSON

# Below three different user counts no fit and no meaningful CPU line can be made.
MIN_PLATEAUS = 3


def run_plateaus(run_dir: Path) -> tuple[str, str, float, tuple[Plateau, ...], float | None]:
    """(run id, scenario, target MTT ms, valid measured plateaus incl. probes, CPU budget)."""
    from reports.build import analyse
    from reports.capacity_section import plateaus

    if not (run_dir / RUN_JSON).is_file():
        raise UsageError(f"--from-run: {run_dir}: not a run directory (no {RUN_JSON})")
    analysis = analyse(run_dir)
    run = analysis.run
    measured = tuple(plateaus(analysis.steps, analysis.probes))
    return run.run_id, run.scenario, run.mtt_ms, measured, analysis.record.target_cpus


def run_capacity(
    run_dir: Path,
    suite: Suite,
    plans_for: Callable[[str], Sequence[CasePlan]],
    *,
    target_cpu_percent: float,
    cores: float | None,
    need_cpu: bool,
) -> RunCapacity:
    """The run's model and instance counts for the cases ``plans_for(scenario)`` gives.

    Raises UsageError (exit 2) for a run with too few measured plateaus, a scenario the
    plans do not have, or (with ``need_cpu``) no CPU of the service under test.
    """
    run_id, scenario, target_ms, plateaus, budget = run_plateaus(run_dir)
    if len({plateau.users for plateau in plateaus}) < MIN_PLATEAUS:
        raise UsageError(
            f"--from-run: {run_dir}: {len(plateaus)} measured plateau(s); the capacity model "
            f"needs at least {MIN_PLATEAUS} (6 to be trusted; add stairs.probe_users)"
        )
    with_cpu = [plateau for plateau in plateaus if plateau.cpu_percent is not None]
    if need_cpu and len(with_cpu) < 2:
        raise UsageError(
            f"--from-run: {run_dir}: no CPU of the service under test on its plateaus "
            "(run against the embedded target, or with --target-pid or --target-cpu-prometheus)"
        )
    plans = plans_for(scenario)
    rows = [(plan, _row(plan, scenario, run_dir)) for plan in plans]
    demands = tuple(
        Demand(plan.name, row.target_tps, row.peak_rps, row.vusers) for plan, row in rows
    )
    think = suite.case(suite.end_case)
    reading = read_capacity(
        plateaus,
        demands,
        target_ms=target_ms,
        think_seconds=(think.think_min_seconds + think.think_max_seconds) / 2,
        target_cpu_percent=target_cpu_percent,
        cores=cores if cores is not None else budget or 1.0,
        budget_cores=budget,
    )
    return RunCapacity(run_id, scenario, reading, demands, tuple(p.inputs.dau for p in plans))


def _row(plan: CasePlan, scenario: str, run_dir: Path) -> PlanRow:
    for row in plan.rows:
        if row.name == scenario:
            return row
    raise UsageError(
        f"--from-run: {run_dir}: scenario {scenario!r} of the run is not in the scenarios file"
    )
