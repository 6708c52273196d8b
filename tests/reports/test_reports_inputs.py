"""The report's inputs: plan and run rows, the generator per step, target CPU coverage."""

from __future__ import annotations

from reports.build import analyse
from reports.inputs import NOT_RECORDED, plan_rows, report_inputs, run_rows

DOC = {
    "case": "stress",
    "host": "http://127.0.0.1:8080",
    "embedded_target": True,
    "target_workers": 1,
    "workers": 2,
    "workers_reason": "2 cores; 3 wanted, 2 fit",
    "time_scale": 1.0,
    "users_scale": 1.0,
    "started_at": "2026-11-25T06:00:00+00:00",
    "duration_seconds": 852.4,
    "exit_reason": "completed",
    "exit_code": 98,
    "cases": {
        "average": {"dau": 25000, "think_time_seconds": [0, 0]},
        "stress": {"dau": 45000, "think_time_seconds": [0, 0]},
    },
    "inputs": {"dau": 45000, "peak_rate": 2.0, "safety_factor": 2.0, "response_time_ms": 500},
    "plan": {
        "requests_per_user_per_day": 18.5,
        "journey_seconds": 1000.0,
        "peak_rps": 38.541666,
        "vusers_exact": 2083.333,
        "vusers": 2100,
        "target_tps": 4200.0,
        "start_case": "average",
        "end_case": "stress",
        "start_vusers": 1200,
    },
    "stairs": {
        "start_users": 1200,
        "end_users": 2100,
        "step_users": 100,
        "step_seconds": 60.0,
        "hold_seconds": 300.0,
    },
    "machine": {"cores": 2},
    "versions": {"stairload": "0.1.0", "locust": "2.47.0", "python": "3.11.7"},
}


def test_plan_rows_show_both_cases_and_what_they_led_to():
    """DAU of both cases, R, T, peak rate x safety factor, think time, VUser and TPS."""
    rows = dict(plan_rows(DOC))
    assert rows["DAU"] == "average 25,000 / stress 45,000"
    assert rows["requests per user per day (R)"] == "18.5"
    assert rows["journey time (T)"] == "1,000 s"
    assert rows["peak rate x safety factor"] == "2 x 2"
    assert rows["think time"] == "average 0 s / stress 0 s"
    assert rows["response-time target"] == "500 ms"
    assert rows["peak RPS (stress)"] == "38.542"
    assert rows["VUser (plan)"] == "average 1,200 -> stress 2,100 (exact 2,083.3)"
    assert rows["target TPS (plan)"] == "4,200"


def test_run_rows_show_when_where_and_with_what():
    """Start, duration, host with target workers, load generator, machine, versions, exit."""
    rows = dict(run_rows(DOC))
    assert rows["duration"] == "14 min 12 s"
    assert rows["host"] == "http://127.0.0.1:8080 (embedded target, 1 server worker)"
    assert rows["load generator"] == "2 Locust workers and a master (2 cores; 3 wanted, 2 fit)"
    assert rows["machine"] == "2 cores"
    assert rows["versions"] == "stairload 0.1.0, locust 2.47.0, python 3.11.7"
    assert rows["ended"] == "completed"


def test_missing_fields_read_not_recorded():
    """An old run.json without cases or machine says 'not recorded', never crashes."""
    rows = dict(run_rows({}))
    assert rows["machine"] == rows["started"] == NOT_RECORDED


def test_generator_rows_per_step_and_process(make_run):
    """A sampled run: one row per measured step for its one process, hot where above 90%."""
    run_dir = make_run(generator_cpu_percent=(40, 40, 99))
    inputs = report_inputs(analyse(run_dir))
    assert [(row.step, row.process, row.hot) for row in inputs.generator] == [
        (1, "local", False),
        (2, "local", False),
        (3, "local", True),
    ]
    assert inputs.generator[2].peak_cpu_percent == 99.0


def test_target_cpu_seconds_missing_are_counted(make_run):
    """The synthetic run's embedded target has no CPU column values: every second missing."""
    run_dir = make_run()
    inputs = report_inputs(analyse(run_dir))
    assert (inputs.target_cpu_seconds, inputs.target_cpu_missing_seconds) == (0, 60)
