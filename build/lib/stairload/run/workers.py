"""``--workers auto``: how many Locust processes, and target server workers, fit this machine.

A Locust process runs one Python thread, so it uses at most one core; past about 1,000
users, or about 3,000 requests per second, one process saturates and then measures itself.
Measured on the 2-core machine of issue 11: one process with 2,100 users and no think time
topped out at 2,287 TPS at 100% CPU, two workers reached 5,883 TPS with the same target.
When the run starts the embedded target, it shares these cores: it gets server workers
for the planned TPS (about 5,000 requests per second each, from ``make bench-target``),
within what the generator leaves, and at least one.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

USERS_PER_PROCESS = 1_000
REQUESTS_PER_PROCESS_SECOND = 3_000
TARGET_REQUESTS_PER_WORKER_SECOND = 5_000


@dataclass(frozen=True)
class WorkerChoice:
    """Local Locust workers (0: one process, no master) and the embedded target's workers."""

    locust_workers: int
    target_workers: int
    reason: str

    @property
    def locust_processes(self) -> int:
        """Processes that generate load: the workers, or the single local process."""
        return max(1, self.locust_workers)


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def choose_workers(
    cores: int,
    planned_users: int,
    planned_tps: float,
    *,
    embedded_target: bool,
    back_to_back: bool = False,
) -> WorkerChoice:
    """Pick the local workers for the plan's peak users and TPS on ``cores`` cores.

    ``back_to_back``: the users have no think time, so against the embedded target they
    send as fast as it answers, about ``TARGET_REQUESTS_PER_WORKER_SECOND`` whatever the
    plan's TPS; the generator is sized for that rate when it is the higher.
    """
    load_tps = planned_tps
    if back_to_back and embedded_target:
        load_tps = max(planned_tps, TARGET_REQUESTS_PER_WORKER_SECOND)
    by_users = math.ceil(planned_users / USERS_PER_PROCESS)
    by_tps = math.ceil(load_tps / REQUESTS_PER_PROCESS_SECOND)
    wanted = max(1, by_users, by_tps)
    processes = min(wanted, cores)
    workers = 0 if processes == 1 else processes
    fast = (
        f" (with no think time the users send as fast as the embedded target answers, "
        f"about {load_tps:,.0f} requests/s)"
        if load_tps > planned_tps
        else ""
    )
    why = (
        f"{cores} core{'s' if cores != 1 else ''}; the plan peaks at {planned_users:,} users "
        f"and {planned_tps:,.0f} TPS{fast}: {wanted} Locust process{'es' if wanted != 1 else ''}"
        f" wanted (one per {USERS_PER_PROCESS:,} users or {REQUESTS_PER_PROCESS_SECOND:,} "
        "requests/s)"
    )
    if processes < wanted:
        why += f", {processes} fit"
    run = f"WORKERS={workers}" + (" (one process)" if workers == 0 else "")
    if not embedded_target:
        return WorkerChoice(workers, 0, f"{why} -> {run}")
    target_wanted = max(1, math.ceil(planned_tps / TARGET_REQUESTS_PER_WORKER_SECOND))
    target = max(1, min(target_wanted, cores - processes))
    shared = processes + target > cores
    why += (
        f" -> {run}; embedded target: {target} server worker{'s' if target != 1 else ''}"
        f" ({target_wanted} wanted, one per {TARGET_REQUESTS_PER_WORKER_SECOND:,} requests/s)"
    )
    if shared:
        why += (
            f". Target and generator share the {cores} cores: the target's figures include "
            "that contention, and a generator that saturates makes the verdict INCONCLUSIVE"
        )
    return WorkerChoice(workers, target, why)
