"""The one in-memory picture of a running stair: what the exporter and the live page read.

The master's ``IntervalRecorder`` calls ``LiveSource.on_second`` with each second it
writes to ``intervals.csv``; the source keeps that second's rows and every second's
``Total`` row, and passes the rows on to its readers (the Prometheus exporter). The live
page (``stairload.livepage``) reads the same object when it is polled. So a scrape and the
page show the figures of the same written second, from one feed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from capacity.stairs import Stairs
from stairload.rundir import IntervalRow

AlarmStates = Callable[[], Mapping[str, object]]
AlarmChanges = Callable[[], Sequence[Mapping[str, Any]]]
SecondReader = Callable[[int, Sequence[IntervalRow]], None]


class LiveSource:
    """Fed one written second at a time (``on_second``); read by the exporter and the page."""

    def __init__(
        self,
        stairs: Stairs | None = None,
        alarm_states: AlarmStates | None = None,
        alarm_changes: AlarmChanges | None = None,
    ) -> None:
        self.stairs = stairs
        self._alarm_states = alarm_states
        self._alarm_changes = alarm_changes
        self.second: int | None = None  # the last written second (None: none yet)
        self.latest: tuple[IntervalRow, ...] = ()  # that second's rows, Total included
        self.totals: list[IntervalRow] = []  # the Total row of every written second, in order
        self._readers: list[SecondReader] = []

    def subscribe(self, reader: SecondReader) -> None:
        """Call ``reader(second, rows)`` with every second written from now on."""
        self._readers.append(reader)

    def on_second(self, second: int, rows: Sequence[IntervalRow]) -> None:
        """An ``intervals.csv`` listener: keep the rows of one written second, pass them on."""
        self.second = second
        self.latest = tuple(rows)
        self.totals.extend(row for row in rows if row.is_total)
        for reader in self._readers:
            reader(second, rows)

    @property
    def has_alarms(self) -> bool:
        """Whether the run evaluates alarms (a monitor feeds their states)."""
        return self._alarm_states is not None

    def alarm_states(self) -> dict[str, str]:
        """Each alarm's current state by name (empty without alarms)."""
        if self._alarm_states is None:
            return {}
        return {name: str(state) for name, state in self._alarm_states().items()}

    def alarm_changes(self) -> list[dict[str, Any]]:
        """Every state change so far, oldest first, as ``alarms.jsonl`` records them."""
        if self._alarm_changes is None:
            return []
        return [dict(change) for change in self._alarm_changes()]
