"""CPU of a process and its descendants, sampled once a second by a daemon thread (psutil)."""

from __future__ import annotations

import math
import threading
import time
from types import TracebackType

import psutil

from stairload.targetcpu.errors import TargetCpuError


class ProcessTreeCpu:
    """Per-second CPU (percent of one core) of process ``pid`` and all its descendants.

    ``start()`` takes a baseline and starts the sampling thread; ``stop()`` ends it;
    ``by_second()`` returns {unix second: percent} for every whole second sampled. Also a
    context manager (start on enter, stop on exit).
    """

    def __init__(self, pid: int, *, interval_seconds: float = 1.0) -> None:
        try:
            self._root = psutil.Process(pid)
            self._root.cpu_times()
        except psutil.NoSuchProcess:
            raise TargetCpuError(f"--target-pid: no such process (got {pid})") from None
        except psutil.AccessDenied:
            raise TargetCpuError(f"--target-pid: not allowed to read process {pid}") from None
        self.pid = pid
        self.interval_seconds = interval_seconds
        self._samples: dict[int, float] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._known: dict[int, tuple[float, float]] = {}  # pid -> (create_time, cpu seconds)

    def __enter__(self) -> ProcessTreeCpu:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the sampling thread is alive (it ends when the process exits)."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Take the baseline now and sample at every following whole second."""
        if self._thread is not None:
            return
        self._known = self._read_tree() or {}
        self._thread = threading.Thread(
            target=self._loop, args=(time.time(),), name=f"cpu-{self.pid}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop sampling; the samples taken so far stay readable."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5.0)

    def by_second(self) -> dict[int, float]:
        """{unix second: CPU percent of one core in that second}, in time order."""
        with self._lock:
            return dict(sorted(self._samples.items()))

    def _loop(self, previous_wall: float) -> None:
        while not self._stopping.is_set():
            next_tick = (math.floor(previous_wall / self.interval_seconds) + 1) * (
                self.interval_seconds
            )
            if self._stopping.wait(max(0.0, next_tick - time.time())):
                return
            tree = self._read_tree()
            wall = time.time()
            if tree is None:
                return  # the process is gone
            cpu_seconds = self._spent_since(tree, previous_wall)
            self._known = tree
            self._record(previous_wall, wall, cpu_seconds)
            previous_wall = wall

    def _read_tree(self) -> dict[int, tuple[float, float]] | None:
        """{pid: (create_time, user + system seconds)} of the live tree; None without root."""
        try:
            members = [self._root, *self._root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return None
        tree: dict[int, tuple[float, float]] = {}
        for process in members:
            try:
                with process.oneshot():
                    times = process.cpu_times()
                    tree[process.pid] = (process.create_time(), times.user + times.system)
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                if process is self._root:
                    return None
        return tree

    def _spent_since(self, tree: dict[int, tuple[float, float]], previous_wall: float) -> float:
        """CPU seconds the tree used since the previous sample.

        A process seen before adds its growth; a new one (a pid not known, or reused)
        adds all its CPU time if it started after the previous sample, else nothing
        (it existed unseen; its past is not this interval's).
        """
        spent = 0.0
        for pid, (created, used) in tree.items():
            known = self._known.get(pid)
            if known is not None and abs(known[0] - created) < 1e-3:
                spent += max(0.0, used - known[1])
            elif created >= previous_wall - 0.01:
                spent += used
        return spent

    def _record(self, start_wall: float, end_wall: float, cpu_seconds: float) -> None:
        """Spread the interval's CPU evenly over the whole seconds it covers."""
        elapsed = end_wall - start_wall
        if elapsed <= 0:
            return
        percent = round(100.0 * cpu_seconds / elapsed, 2)
        first, last = math.floor(start_wall), math.floor(end_wall - 1e-6)
        with self._lock:
            for second in range(first, last + 1):
                self._samples[second] = percent
