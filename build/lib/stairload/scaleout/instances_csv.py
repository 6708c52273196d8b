"""``instances.csv``: per second, each instance's state, HAProxy status, CPU and responses."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from stairload.scaleout.haproxy import ServerStat

if TYPE_CHECKING:
    from stairload.scaleout.group import Member

INSTANCE_COLUMNS = (
    "unix",
    "instance",
    "slot",
    "state",
    "haproxy_status",
    "cpu_percent",
    "responses",
    "response_time_ms",
    "current_sessions",
)


def append_second(
    path: Path, now: float, members: Iterable[Member], stats: Mapping[str, ServerStat]
) -> None:
    """Append one row per instance not terminated (the header first, in a new file).

    ``cpu_percent`` is the instance's CPU in the last whole second before ``now``.
    """
    new = not path.exists()
    second = int(now)
    with path.open("a", newline="") as out:
        writer = csv.writer(out)
        if new:
            writer.writerow(INSTANCE_COLUMNS)
        for member in members:
            if member.state == "terminated":
                continue
            stat = stats.get(member.slot)
            cpu = member.instance.cpu_by_second().get(second - 1)
            writer.writerow(
                [
                    round(now, 3),
                    member.instance.instance_id,
                    member.slot,
                    member.state,
                    stat.status if stat else "",
                    "" if cpu is None else cpu,
                    stat.responses if stat else "",
                    stat.response_time_ms if stat else "",
                    stat.current_sessions if stat else "",
                ]
            )
