"""The locustfile of every stairload run: journeys, the stair shape, exact intervals, health.

Run through ``stairload run`` (or ``make stress-scenario2``), which starts the
target, the workers and the report; or directly, for example:

    locust -f locustfiles/stress.py --headless --host http://127.0.0.1:8080 \\
        --scenario scenario2 --time-scale 0.05 --users-scale 0.01 --run-dir runs/x

The scenario's user class is made at init from its steps (``ScenarioUser`` only stands
in). To run your own locustfile's classes instead, add it to ``-f`` and name it again:
``-f locustfiles/stress.py,mine.py --user-locustfile mine.py``.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from pathlib import Path
from typing import Any

import gevent
from locust import events
from locust.html import get_html_report
from locust.runners import MasterRunner, WorkerRunner

from capacity.stairs import stage_at
from stairload.alarms import AlarmMonitor, webhook_notifier
from stairload.alarms.state import Transition
from stairload.core.errors import StairloadError
from stairload.core.exitcodes import ABORTED
from stairload.livemetrics import LiveMetrics, LiveSource, serve_live_metrics
from stairload.loadgen import locust_csv
from stairload.loadgen.arrival_counts import ArrivalCounts
from stairload.loadgen.context import add_arguments, scenarios_path
from stairload.loadgen.final_stats import rewrite_locust_csvs
from stairload.loadgen.generator_health import LoadGeneratorHealth
from stairload.loadgen.handshake import MasterHandshake, WorkerHandshake
from stairload.loadgen.heap import freeze_startup_objects
from stairload.loadgen.intervals import IntervalRecorder
from stairload.loadgen.run_record import end_record_name, run_record
from stairload.loadgen.runtime import run_context, runtime
from stairload.loadgen.shape import StairShape
from stairload.loadgen.spawn_message import compute_default_args_once
from stairload.loadgen.status import StatusLine
from stairload.loadgen.target_cpu import TargetCpu
from stairload.loadgen.users import ScenarioUser, install_user_classes
from stairload.rundir import LOCUST_HTML, RUN_JSON, TARGET_CPU_CSV, ExitReason, RunRecord
from stairload.rundir.atomic import RunDirFault, write_file

__all__ = ["ScenarioUser", "StairShape"]

locust_csv.install()

_log = logging.getLogger("stairload")

compute_default_args_once()


@events.init_command_line_parser.add_listener
def _on_parser(parser: Any, **_: Any) -> None:
    add_arguments(parser)


@events.init.add_listener
def _on_init(environment: Any, **_: Any) -> None:
    if isinstance(environment.runner, WorkerRunner):
        WorkerHandshake(environment, scenarios_path(environment.parsed_options))
        # The worker learns the run's options from the master's spawn message: its user
        # classes are installed at test_start, after the handshake put its paths back.
        environment.events.test_start.add_listener(_install_on_worker)
        environment.events.test_start.add_listener(freeze_startup_objects)
        runtime(environment).extras.update(
            recorder=IntervalRecorder(environment), health=LoadGeneratorHealth(environment)
        )
        return
    try:
        context = run_context(environment)
        install_user_classes(environment, context)
    except StairloadError as error:
        _log.error("%s", error)
        environment.process_exit_code = error.exit_code
        runtime(environment).extras["init_failed"] = True  # the shape ends at once
        environment.runner.quit()
        return
    if context.run_dir is not None:
        Path(context.run_dir).mkdir(parents=True, exist_ok=True)
    recorder = IntervalRecorder(environment)
    recorder.on_fault = lambda fault: _run_dir_fault(environment, fault)
    runtime(environment).extras[locust_csv.ON_FAULT] = recorder.on_fault
    health = LoadGeneratorHealth(environment)
    recorder.listeners.append(StatusLine(environment, generator_cpu=health.latest_cpu).on_second)
    state = runtime(environment)
    if isinstance(environment.runner, MasterRunner):
        state.extras["handshake"] = MasterHandshake(environment, context.suite.source)
    state.extras.update(recorder=recorder, health=health, parent_pid=os.getppid())
    if context.arrivals is not None:  # an open run: started, dropped, user-seen times
        state.extras["arrival_counts"] = ArrivalCounts(environment)
        recorder.decorate = state.extras["arrival_counts"].decorate
    # Locust installs its SIGTERM handler only after a shape run ends; until then SIGTERM
    # (the runner's death, see stairload.run.lifeline) would kill the master mid-write.
    gevent.signal_handler(signal.SIGTERM, _stop_gracefully, environment)
    # The orchestrator feeds target_cpu.csv for the embedded target, --target-pid or
    # --target-cpu-prometheus; without a feed the file never appears and the column stays empty.
    if context.run_dir is not None:
        target_cpu = TargetCpu(environment, Path(context.run_dir) / TARGET_CPU_CSV)
        recorder.target_cpu = target_cpu  # type: ignore[assignment]  # .get(second) suffices
        state.extras["target_cpu"] = target_cpu
    monitor = None
    if context.alarms.rules and context.run_dir is not None:
        monitor = AlarmMonitor(
            context.alarms,
            context.run_dir,
            webhook_notifier(context.alarms),
            on_abort=lambda transition: _abort(environment, transition),
        )
        recorder.listeners.append(monitor.on_second)
        state.extras["alarms"] = monitor
    if context.options.metrics_port or context.options.web:
        # one source for the exporter and the live page: the seconds intervals.csv gets
        source = LiveSource(
            context.stairs,
            (lambda: monitor.states) if monitor is not None else None,
            (lambda: monitor.records) if monitor is not None else None,
        )
        recorder.listeners.append(source.on_second)
        if context.options.metrics_port:
            state.extras["metrics"] = _serve_metrics(environment, context, source)
        if context.options.web:
            state.extras["live_page"] = _serve_live_page(environment, context, source)
    state.on_start.append(
        lambda _t0: _writing(
            environment,
            _write_record,
            environment,
            RUN_JSON,
            ended_at=None,
            exit_reason=ExitReason.RUNNING,
        )
    )
    if not isinstance(environment.runner, MasterRunner):  # a process that runs users
        environment.events.test_start.add_listener(freeze_startup_objects)
    # Locust fires ``quit`` after the master got the workers' final reports (``quitting``
    # comes before them): the last seconds and Locust's own CSVs are written only then.
    environment.events.quit.add_listener(lambda **_: _on_quit(environment))


def _install_on_worker(environment: Any, **_: Any) -> None:
    state = runtime(environment)
    state.context = None  # reload from the options the master just sent
    context = run_context(environment)
    install_user_classes(environment, context)
    if context.arrivals is not None and "arrival_counts" not in state.extras:
        state.extras["arrival_counts"] = ArrivalCounts(environment)  # an open run's counts


def _abort(environment: Any, transition: Transition) -> None:
    """An abort rule entered ALARM: record why and where, exit ABORTED, stop in order."""
    state = runtime(environment)
    # the step at the end of the breaching period (users are sampled at each second's end)
    stage = stage_at(run_context(environment).stairs, transition.time_s - 0.001)
    state.extras["abort"] = {
        "alarm": transition.rule.name,
        "time_s": transition.time_s,
        "step": stage.step if stage else None,
        "users": stage.users if stage else None,
        "reason": transition.reason,
    }
    _log.warning(
        "alarm %r entered ALARM at t=%gs (step %s): aborting the run",
        transition.rule.name,
        transition.time_s,
        stage.step if stage else "-",
    )
    environment.process_exit_code = ABORTED
    _stop_gracefully(environment)


def _run_dir_fault(environment: Any, fault: RunDirFault) -> None:
    """A file of the run directory could not be written: exit with its code, stop in order."""
    state = runtime(environment)
    if "fault" in state.extras:
        return
    state.extras["fault"] = fault
    _log.error("%s; stopping the run", fault)
    environment.process_exit_code = fault.exit_code
    if "ended_elapsed" not in state.extras:  # not already quitting
        _stop_gracefully(environment)


def _stop_gracefully(environment: Any) -> None:
    _log.info("SIGTERM: stopping the run")
    runner = environment.runner
    if runner.shape_greenlet is not None:
        runner.shape_greenlet.kill(block=False)  # the shape "completes": Locust quits in order
    else:
        gevent.spawn(runner.quit)


@events.quitting.add_listener
def _on_quitting(environment: Any, **_: Any) -> None:
    state = runtime(environment)
    state.extras["ended_elapsed"] = state.elapsed()
    for part in ("health", "target_cpu"):
        if part in state.extras:
            state.extras[part].stop()


def _on_quit(environment: Any) -> None:
    state = runtime(environment)
    recorder = state.extras.get("recorder")
    if recorder is None or state.t0 is None:
        return
    recorder.flush()
    for server in ("metrics", "live_page"):
        if server in state.extras:
            state.extras[server].close()
    _writing(environment, rewrite_locust_csvs, environment)
    _writing(environment, _write_locust_html, environment)
    if recorder.late_requests:
        _log.warning(
            "%d requests were reported after their second was written (the load generator "
            "lagged); they are counted in the next second",
            recorder.late_requests,
        )
    monitor = state.extras.get("alarms")
    if monitor is not None:
        monitor.close()
    stairs = run_context(environment).stairs
    ended_elapsed = state.extras.get("ended_elapsed", state.elapsed())
    finished = ended_elapsed >= stairs.total_seconds - 1.0
    if os.getppid() != state.extras["parent_pid"]:
        reason = ExitReason.RUNNER_LOST  # the runner was killed; the kernel stopped us too
    elif "fault" in state.extras:
        reason = state.extras["fault"].reason
    elif "abort" in state.extras:
        reason = ExitReason.ABORTED
    else:
        reason = ExitReason.COMPLETED if finished else ExitReason.INTERRUPTED
    if "fault" in state.extras:
        environment.process_exit_code = state.extras["fault"].exit_code
    name = end_record_name(reason)
    _writing(
        environment, _write_record, environment, name, ended_at=time.time(), exit_reason=reason
    )


def _writing(environment: Any, write: Any, *args: Any, **kwargs: Any) -> None:
    """Call ``write``; a run-directory fault ends the run with its code (no traceback)."""
    try:
        write(*args, **kwargs)
    except RunDirFault as fault:
        state = runtime(environment)
        state.extras.setdefault("fault", fault)
        _log.error("%s", fault)
        environment.process_exit_code = state.extras["fault"].exit_code


def _write_locust_html(environment: Any) -> None:
    """Locust's own HTML report, written atomically (``--html`` would write it unguarded)."""
    context = run_context(environment)
    if context.run_dir is None or environment.parsed_options.html_file:
        return
    page = get_html_report(environment, show_download_link=False)
    write_file(Path(context.run_dir) / LOCUST_HTML, page)


def _serve_metrics(environment: Any, context: Any, source: LiveSource) -> LiveMetrics:
    options = environment.parsed_options
    bind = options.master_bind_host if options.master else "127.0.0.1"
    address = "0.0.0.0" if bind in ("*", "") else bind
    port = context.options.metrics_port
    metrics = serve_live_metrics(port, source, address)
    _log.info("live metrics on http://%s:%s/metrics", address, port)
    return metrics


def _serve_live_page(environment: Any, context: Any, source: LiveSource) -> Any:
    """The live page on loopback (imported here: it loads the report's step table)."""
    from stairload.livepage import start_live_page

    page, url = start_live_page(
        source,
        lambda: _record(environment, ended_at=None, exit_reason=ExitReason.RUNNING),
        Path(context.run_dir or "."),
        context.options.web_port,
        scenario=context.scenario.name,
        case=context.case_name,
    )
    _log.info("live page on %s", url)
    return page


def _write_record(
    environment: Any, name: str, *, ended_at: float | None, exit_reason: ExitReason
) -> None:
    """The master's record, into the run directory's file ``name`` (``run_record``'s moments)."""
    context = run_context(environment)
    if context.run_dir is None:
        return
    _record(environment, ended_at=ended_at, exit_reason=exit_reason).dump(
        Path(context.run_dir) / name
    )


def _record(environment: Any, *, ended_at: float | None, exit_reason: ExitReason) -> RunRecord:
    """The master's record of the run as it stands (``run_record``)."""
    context = run_context(environment)
    state = runtime(environment)
    options = environment.parsed_options
    workers = int(options.expect_workers or 0) if options.master else 0
    record = run_record(
        context,
        host=environment.host,
        workers=workers,
        started=state.t0,
        ended_at=ended_at,
        exit_reason=exit_reason,
        load_generator=_load_generator(state.extras),
        user_classes=[cls.__name__ for cls in environment.user_classes],
    )
    if "abort" in state.extras:
        record.extras["abort"] = state.extras["abort"]
    return record


def _load_generator(extras: dict[str, Any]) -> dict[str, Any]:
    recorder = extras.get("recorder")
    late = recorder.late_requests if recorder is not None else 0
    return {**extras["health"].record(), "late_requests": late}
