"""The local Auto Scaling group: instances behind HAProxy, resized by the policy.

A monitor thread ticks once a second: it reads HAProxy's per-server statistics into
``instances.csv`` (``stairload.scaleout.instances_csv``), notices health transitions (UP -> the
instance is in service; DOWN after being in service -> unhealthy: drain, terminate and
replace it), and at the end of every policy period computes the CPU datapoint and lets
``policy.decide`` size the group.
Launches and terminations run in their own threads so the monitor never waits on them.

A new instance's slot stays in maintenance until the instance answers and, with warm-up
gating, until the project's warm-up runner (``stairload warmup``) has replayed N real
journey requests against the instance directly (``stairload.scaleout.warmup_gate``); only then may
the health check admit it.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from stairload.rundir.files import INSTANCES_CSV, INSTANCES_DIR
from stairload.scaleout import instances
from stairload.scaleout.config import ScalingSettings
from stairload.scaleout.events import EventLog, ScalingEvent
from stairload.scaleout.haproxy import HAProxy, ServerStat, slot_names
from stairload.scaleout.instances_csv import append_second
from stairload.scaleout.policy import decide, newest_first, period_datapoint
from stairload.scaleout.warmup_gate import WarmupSpec, warm_up


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Member:
    """One instance of the group and its life so far."""

    instance: instances.Instance
    slot: str
    initial: bool = False  # launched with the group: counted in the metric at once
    state: str = "pending"  # pending, in_service, draining, terminated
    in_service_at: float | None = None
    counted_since: float | None = None
    failed_checks_before: int = 0  # the slot's failed checks before this instance had it


@dataclass
class Group:
    """Instances behind one HAProxy, sized by the settings' policy (already time-scaled)."""

    settings: ScalingSettings
    haproxy: HAProxy
    template: str
    values: dict[str, str]
    run_dir: Path
    log: EventLog
    warmup: WarmupSpec | None = None
    launch_timeout_seconds: float = 120.0
    members: dict[str, Member] = field(default_factory=dict)
    desired: int = 0
    datapoints: list[float | None] = field(default_factory=list)
    last_activity_at: float | None = None
    _counter: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    # -- life of the group ------------------------------------------------------------

    def start(self) -> None:
        """Launch the minimum, wait until all are in service, then start the monitor."""
        self.desired = self.settings.policy.min_instances
        reason = f"group created at the minimum of {self.desired}"
        for _ in range(self.desired):
            self._launch(reason, initial=True)
        deadline = time.monotonic() + self.launch_timeout_seconds
        while self.in_service_count() < self.desired:
            self._tick(time.time(), evaluate=False)
            if time.monotonic() > deadline:
                raise instances.InstanceError("the first instances did not enter service")
            time.sleep(0.2)
        self._spawn(self._monitor, "scaling-monitor")

    def stop(self) -> None:
        """Stop the monitor and every instance (no drain: the load is over)."""
        self._stop.set()
        for thread in list(self._threads):
            thread.join(timeout=self.launch_timeout_seconds)
        for member in self.members.values():
            if member.state != "terminated":
                instances.stop(member.instance)
                member.state = "terminated"

    def kill_newest(self, reason: str) -> str | None:
        """SIGKILL the newest instance in service (a crash); the health check must notice."""
        serving = {
            m.instance.instance_id: m.instance.launched_at
            for m in self.members.values()
            if m.state == "in_service"
        }
        if not serving:
            return None
        instance_id = newest_first(serving, 1)[0]
        self.log.emit(self._event(time.time(), "kill", instance_id, reason))
        instances.kill(self.members[instance_id].instance)
        return instance_id

    def in_service_count(self) -> int:
        """Instances in service now."""
        return sum(1 for m in self.members.values() if m.state == "in_service")

    def live(self) -> list[Member]:
        """Members neither draining nor terminated."""
        return [m for m in self.members.values() if m.state in ("pending", "in_service")]

    # -- the monitor ------------------------------------------------------------------

    def _monitor(self) -> None:
        period = self.settings.policy.period_seconds
        next_period = time.time() + period
        while not self._stop.wait(1.0 - (time.time() % 1.0)):
            now = time.time()
            evaluate = now >= next_period
            self._tick(now, evaluate=evaluate, period_start=next_period - period)
            if evaluate:
                next_period += period

    def _tick(self, now: float, *, evaluate: bool, period_start: float = 0.0) -> None:
        stats = {stat.name: stat for stat in self.haproxy.servers()}
        append_second(self.run_dir / INSTANCES_CSV, now, self.members.values(), stats)
        for member in list(self.members.values()):
            stat = stats.get(member.slot)
            if stat is None:
                continue
            if member.state == "pending" and member.in_service_at is None and stat.up:
                member.failed_checks_before = stat.failed_checks
                self._entered_service(member, now)
            elif member.state == "in_service" and stat.status.startswith("DOWN"):
                grace_ends = (
                    member.in_service_at or now
                ) + self.settings.health_check_grace_seconds
                if now >= grace_ends:  # as in EC2 Auto Scaling: no replacement within the grace
                    self._unhealthy(member, now, stat)
        if evaluate:
            self._evaluate(now, period_start)
        self._reconcile()

    def _evaluate(self, now: float, period_start: float) -> None:
        cpu = {
            m.instance.instance_id: {
                second: value / self.settings.instance_cpu_cores
                for second, value in m.instance.cpu_by_second().items()
            }
            for m in self.members.values()
        }
        counted = {
            m.instance.instance_id: m.counted_since
            for m in self.members.values()
            if m.state == "in_service" and m.counted_since is not None
        }
        self.datapoints.append(period_datapoint(cpu, counted, period_start, now))
        decision = decide(
            self.settings.policy, self.datapoints, self.desired, now, self.last_activity_at
        )
        if decision.action == "none":
            return
        self.desired = decision.desired
        self.last_activity_at = now
        self.log.emit(
            self._event(
                now, "decision", "group", decision.reason, decision.alarm, decision.datapoints
            )
        )
        if decision.action == "scale_in":
            launched = {m.instance.instance_id: m.instance.launched_at for m in self.live()}
            for instance_id in newest_first(launched, len(launched) - decision.desired):
                member = self.members[instance_id]
                member.state = "draining"
                self._spawn(
                    lambda m=member, d=decision: self._terminate(
                        m, f"scale-in, newest instance first: {d.reason}", d.alarm, d.datapoints
                    ),
                    f"terminate-{instance_id}",
                )

    def _reconcile(self) -> None:
        """Launch until the live instances match the desired capacity."""
        missing = self.desired - len(self.live())
        for _ in range(max(0, missing)):
            self._launch(f"desired capacity {self.desired}, {len(self.live())} live")

    # -- transitions ------------------------------------------------------------------

    def _launch(self, reason: str, *, initial: bool = False) -> None:
        with self._lock:
            used = {m.slot for m in self.members.values() if m.state != "terminated"}
            free = [slot for slot in slot_names(self.haproxy.config.slots) if slot not in used]
            if not free:
                raise instances.InstanceError("no free HAProxy slot for a new instance")
            self._counter += 1
            instance_id = f"i-{self._counter}"
            port = free_port()
            instance = instances.launch(
                self.template, instance_id, port, self.values, self.run_dir / INSTANCES_DIR
            )
            member = Member(instance, free[0], initial=initial)
            self.members[instance_id] = member
        self.log.emit(self._event(instance.launched_at, "launch", instance_id, reason))
        self._spawn(lambda: self._bring_up(member), f"launch-{instance_id}")

    def _bring_up(self, member: Member) -> None:
        instance = member.instance
        try:
            instances.wait_until_answering(
                instance, self.settings.health_path, self.launch_timeout_seconds
            )
            if self.warmup is not None and self.warmup.requests > 0:
                self._warm_up(member)
        except instances.InstanceError as error:
            self.log.emit(self._event(time.time(), "unhealthy", instance.instance_id, str(error)))
            self._spawn(lambda: self._terminate(member, "did not start"), "terminate-failed")
            return
        self.haproxy.set_address(member.slot, "127.0.0.1", instance.port)
        self.haproxy.set_state(member.slot, "ready")

    def _warm_up(self, member: Member) -> None:
        spec = self.warmup
        assert spec is not None
        seconds = warm_up(spec, member.instance, self.settings.health_path, self.run_dir)
        self.log.emit(
            self._event(
                time.time(),
                "warmed_up",
                member.instance.instance_id,
                f"{spec.requests:,} real {spec.scenario} requests against the instance directly",
                seconds=seconds,
            )
        )

    def _entered_service(self, member: Member, now: float) -> None:
        member.state = "in_service"
        member.in_service_at = now
        initial = member.counted_since == 0.0
        member.counted_since = now + (
            0 if initial else self.settings.policy.instance_warmup_seconds
        )
        self.log.emit(
            self._event(
                now,
                "in_service",
                member.instance.instance_id,
                f"passed the health check {self.settings.health_path}",
                seconds=now - member.instance.launched_at,
            )
        )

    def _unhealthy(self, member: Member, now: float, stat: ServerStat) -> None:
        member.state = "draining"
        reason = (
            f"health check {self.settings.health_path} failed "
            f"({stat.failed_checks - member.failed_checks_before} "
            f"failed checks, HAProxy status {stat.status})"
        )
        self.log.emit(self._event(now, "unhealthy", member.instance.instance_id, reason))
        self._spawn(
            lambda: self._terminate(member, f"replaced: {reason}"),
            f"replace-{member.instance.instance_id}",
        )

    def _terminate(
        self,
        member: Member,
        reason: str,
        alarm: str | None = None,
        datapoints: tuple[float | None, ...] = (),
    ) -> None:
        instance = member.instance
        self.haproxy.set_state(member.slot, "drain")
        self.log.emit(
            self._event(time.time(), "drain", instance.instance_id, reason, alarm, datapoints)
        )
        deadline = time.monotonic() + 30.0
        while time.monotonic() < deadline and instance.alive:
            stat = next((s for s in self.haproxy.servers() if s.name == member.slot), None)
            if stat is None or stat.current_sessions == 0:
                break
            time.sleep(0.2)
        self.haproxy.set_state(member.slot, "maint")
        code = instances.stop(instance) if instance.alive else instance.process.returncode
        member.state = "terminated"
        self.log.emit(
            self._event(
                time.time(),
                "termination",
                instance.instance_id,
                f"{reason} (exit code {code})",
                alarm,
                datapoints,
            )
        )

    # -- helpers ----------------------------------------------------------------------

    def _event(
        self,
        unix: float,
        kind: str,
        instance: str,
        reason: str,
        alarm: str | None = None,
        datapoints: tuple[float | None, ...] = (),
        seconds: float | None = None,
    ) -> ScalingEvent:
        return ScalingEvent(
            unix,
            kind,
            instance,
            reason,
            self.desired,
            self.in_service_count(),
            alarm,
            tuple(datapoints),
            None if seconds is None else round(seconds, 3),
        )

    def _spawn(self, target: object, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)  # type: ignore[arg-type]
        self._threads.append(thread)
        thread.start()
