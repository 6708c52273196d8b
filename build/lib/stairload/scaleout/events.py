"""Scaling activity: one JSON line per event in ``scaling.jsonl``, and a Slack message.

Events: ``launch``, ``warmed_up``, ``in_service``, ``unhealthy``, ``drain``,
``termination``, ``kill`` (a crash the run caused on purpose) and ``decision`` (a policy
evaluation that changed the desired capacity). Each carries its reason; a policy-driven
one also the alarm and datapoints.
The Slack message has the layout of the alarm messages (title, color, when / cause
fields) and goes through the alarms package's notifier (never blocks, URL never logged).
"""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stairload.alarms.config import Language
from stairload.alarms.notifier import Notifier
from stairload.alarms.slack import format_when
from stairload.rundir.files import SCALING_JSONL

SCALING_FILE = SCALING_JSONL
_COLORS = {
    "launch": "#439FE0",
    "warmed_up": "#439FE0",
    "in_service": "good",
    "unhealthy": "danger",
    "drain": "warning",
    "termination": "#808080",
    "decision": "#439FE0",
    "kill": "danger",
}
_TITLES = {
    Language.EN: {
        "launch": "Launching a new instance",
        "warmed_up": "Instance warmed up",
        "in_service": "Instance in service",
        "unhealthy": "Instance failed its health check",
        "drain": "Draining an instance",
        "termination": "Terminating an instance",
        "decision": "Desired capacity changed",
        "kill": "Instance killed (SIGKILL)",
    },
    Language.KO: {
        "launch": "신규 인스턴스 시작",
        "warmed_up": "인스턴스 Warm Up 완료",
        "in_service": "인스턴스 운영 상태(InService)",
        "unhealthy": "인스턴스 상태 검사 실패",
        "drain": "인스턴스 연결 해제(draining)",
        "termination": "인스턴스 종료",
        "decision": "원하는 용량 변경",
        "kill": "인스턴스 강제 종료(SIGKILL)",
    },
}
_LABELS = {
    Language.EN: ("When", "Cause", "Instance", "Capacity"),
    Language.KO: ("언제", "원인", "인스턴스", "용량"),
}


@dataclass(frozen=True)
class ScalingEvent:
    """One thing that happened to the group."""

    unix: float
    event: str
    instance: str
    reason: str
    desired: int
    in_service: int
    alarm: str | None = None
    datapoints: tuple[float | None, ...] = field(default=())
    seconds: float | None = None  # e.g. launch -> in service, or the warm-up's duration

    def record(self) -> dict[str, Any]:
        """The JSON line, with an ISO time next to the unix time."""
        line = asdict(self)
        line["time"] = datetime.fromtimestamp(self.unix, UTC).isoformat(timespec="milliseconds")
        line["datapoints"] = [None if v is None else round(v, 2) for v in self.datapoints]
        return {key: value for key, value in line.items() if value not in (None, [])}


def slack_payload(event: ScalingEvent, language: Language, time_zone: str) -> dict[str, Any]:
    """The webhook body of an Auto Scaling activity message."""
    when, cause, instance, capacity = _LABELS[language]
    moment = datetime.fromtimestamp(event.unix, UTC)
    return {
        "attachments": [
            {
                "title": f"[Auto Scaling] {_TITLES[language][event.event]}: {event.instance}",
                "color": _COLORS[event.event],
                "fields": [
                    {"title": when, "value": format_when(moment, time_zone)},
                    {"title": cause, "value": event.reason},
                    {"title": instance, "value": event.instance, "short": True},
                    {
                        "title": capacity,
                        "value": f"{event.in_service} in service / desired {event.desired}",
                        "short": True,
                    },
                ],
            }
        ]
    }


class EventLog:
    """Appends events to scaling.jsonl (one writer) and passes them to the notifier."""

    def __init__(
        self,
        run_dir: Path,
        notifier: Notifier | None = None,
        language: Language = Language.KO,
        time_zone: str = "Asia/Seoul",
    ) -> None:
        self.path = run_dir / SCALING_FILE
        self._notifier = notifier
        self._language = language
        self._time_zone = time_zone
        self._lock = threading.Lock()
        self.events: list[ScalingEvent] = []

    def emit(self, event: ScalingEvent) -> None:
        """Record one event."""
        with self._lock:
            self.events.append(event)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(event.record(), ensure_ascii=False) + "\n")
        if self._notifier is not None:
            self._notifier.notify(slack_payload(event, self._language, self._time_zone))


def load_events(run_dir: Path) -> list[dict[str, Any]]:
    """The events of a run directory (empty when it has no scaling.jsonl)."""
    path = run_dir / SCALING_FILE
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
