"""A fixed CPU budget for a process tree: a Linux cgroup with a CPU quota.

On a small machine the embedded target and the load generator share the same cores, so
the target's throughput is whatever share of the machine it wins, and it changes as the
generator's own CPU grows with the users. A budget caps the target at ``cores`` CPUs (the
way a container's CPU limit does: ``docker run --cpus``, a Kubernetes ``limits.cpu``),
so a run measures an instance of that size and the rest of the machine is left to the
generator. A quota alone is only a ceiling; the group also gets ten times the default CPU
weight, so under contention it is served first, up to its quota. ::

    budget = CpuBudget.create(0.5)         # raises TargetCpuError with the reason
    Popen(command, preexec_fn=budget.join)  # the child and all its descendants
    ...
    budget.throttled()                      # (periods throttled, seconds throttled)
    budget.remove()                         # after the processes have exited

cgroup v2 (``cpu.max``) is used where its ``cpu`` controller is available, else cgroup
v1's ``cpu`` controller (``cpu.cfs_quota_us`` over ``cpu.cfs_period_us``). Either needs
write access to the cgroup tree (root, or a delegated subtree). The group is made under
this process's own cgroup and named ``stairload-<pid>``; groups a killed run left behind
(their process gone, no member left) are removed the next time one is made.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from stairload.targetcpu.errors import TargetCpuError

PERIOD_US = 100_000
# Ten times the default weight: when the machine is contended the group is served first,
# up to its quota, so the budget is close to a reservation (as a Kubernetes pod with
# requests equal to its limits), not only a ceiling the load generator could starve.
WEIGHT_V2 = 1_000
SHARES_V1 = 10_240
MIN_CORES = 0.01
_PREFIX = "stairload-"
_OPTION = "--target-cpus"


@dataclass(frozen=True)
class CpuBudget:
    """A cgroup that holds at most ``cores`` CPUs' worth of time per period."""

    cores: float
    path: Path
    version: int

    @classmethod
    def create(cls, cores: float, mounts: Path = Path("/proc/self/mounts"),
               own: Path = Path("/proc/self/cgroup")) -> CpuBudget:  # fmt: skip
        """Make the group with its quota; TargetCpuError says why it cannot be made."""
        if not cores >= MIN_CORES:
            raise TargetCpuError(f"{_OPTION}: must be at least {MIN_CORES} (got {cores:g})")
        mount_lines = _read(mounts)
        own_lines = _read(own)
        for version, parent in _parents(mount_lines, own_lines):
            _remove_stale(parent)
            path = parent / f"{_PREFIX}{os.getpid()}"
            try:
                if version == 2:
                    _delegate_cpu(parent)
                path.mkdir(exist_ok=True)
                _write_quota(path, version, cores)
            except OSError as error:
                _rmdir(path)
                raise TargetCpuError(
                    f"{_OPTION}: cannot make a CPU-limited cgroup under {parent} "
                    f"({error.strerror or error}); run as root or in a delegated cgroup"
                ) from None
            return cls(cores, path, version)
        raise TargetCpuError(
            f"{_OPTION}: this machine has no cgroup with a cpu controller "
            "(/proc/self/mounts lists neither cgroup2 with cpu nor cgroup v1 cpu)"
        )

    def join(self) -> None:
        """Move the calling process into the group (a ``preexec_fn``: its children follow)."""
        (self.path / "cgroup.procs").write_text(f"{os.getpid()}\n", encoding="ascii")

    def members(self) -> list[int]:
        """The pids in the group now."""
        try:
            text = (self.path / "cgroup.procs").read_text(encoding="ascii")
        except OSError:
            return []
        return [int(line) for line in text.split()]

    def throttled(self) -> tuple[int, float]:
        """Periods in which the group used up its quota, and the seconds it was held back."""
        stat = _stat(self.path / "cpu.stat")
        if self.version == 2:
            return stat.get("nr_throttled", 0), stat.get("throttled_usec", 0) / 1e6
        return stat.get("nr_throttled", 0), stat.get("throttled_time", 0) / 1e9

    def remove(self) -> bool:
        """Remove the group once it is empty; False when a member is still in it."""
        return _rmdir(self.path)


def _read(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []


def _parents(mount_lines: list[str], own_lines: list[str]) -> list[tuple[int, Path]]:
    """Where a CPU-limited group can be made: cgroup v2 first, then v1's cpu hierarchy."""
    own = {}
    for line in own_lines:
        _hierarchy, controllers, relative = line.split(":", 2)
        own[controllers] = relative.lstrip("/")
    found: list[tuple[int, Path]] = []
    for line in mount_lines:
        fields = line.split()
        if len(fields) < 4:
            continue
        mount_point, fstype, options = Path(_unescape(fields[1])), fields[2], fields[3]
        if fstype == "cgroup2" and "" in own:
            parent = mount_point / own[""]
            if "cpu" in _read_words(parent / "cgroup.controllers"):
                found.insert(0, (2, parent))
        elif fstype == "cgroup" and "cpu" in options.split(","):
            key = next((name for name in own if "cpu" in name.split(",")), None)
            if key is not None:
                found.append((1, mount_point / own[key]))
    return found


def _unescape(text: str) -> str:
    """/proc/self/mounts writes a space in a path as \\040."""
    return re.sub(r"\\([0-7]{3})", lambda match: chr(int(match.group(1), 8)), text)


def _read_words(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="ascii").split()
    except OSError:
        return []


def _delegate_cpu(parent: Path) -> None:
    """cgroup v2: let the children of ``parent`` use the cpu controller."""
    control = parent / "cgroup.subtree_control"
    if "cpu" not in _read_words(control):
        control.write_text("+cpu\n", encoding="ascii")


def _write_quota(path: Path, version: int, cores: float) -> None:
    """The quota caps the group at ``cores``; the weight lets it reach them under contention."""
    quota = max(1_000, round(cores * PERIOD_US))
    if version == 2:
        (path / "cpu.max").write_text(f"{quota} {PERIOD_US}\n", encoding="ascii")
        (path / "cpu.weight").write_text(f"{WEIGHT_V2}\n", encoding="ascii")
        return
    (path / "cpu.cfs_period_us").write_text(f"{PERIOD_US}\n", encoding="ascii")
    (path / "cpu.cfs_quota_us").write_text(f"{quota}\n", encoding="ascii")
    (path / "cpu.shares").write_text(f"{SHARES_V1}\n", encoding="ascii")


def _stat(path: Path) -> dict[str, int]:
    values = {}
    for line in _read(path):
        name, _, number = line.partition(" ")
        if number.strip().isdigit():
            values[name] = int(number)
    return values


def _remove_stale(parent: Path) -> None:
    """Remove groups of runs whose process is gone and that have no member left."""
    try:
        children = list(parent.glob(f"{_PREFIX}*"))
    except OSError:
        return
    for child in children:
        pid = child.name[len(_PREFIX) :]
        if pid.isdigit() and not _alive(int(pid)):
            _rmdir(child)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _rmdir(path: Path) -> bool:
    try:
        path.rmdir()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return True
