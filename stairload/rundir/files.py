"""The names of the files in a run directory (see ``docs/run-directory.md``)."""

from __future__ import annotations

RUN_JSON = "run.json"  # the run's record (stairload.rundir.record.RunRecord)
# The Locust master's end record, handed to stairload run, which writes run.json's
# final record from it and then removes it (a RunRecord too; see stairload.run.record_lifecycle)
MASTER_RECORD_JSON = "master_record.json"
INTERVALS_CSV = (
    "intervals.csv"  # exact per-second statistics (stairload.rundir.intervals.IntervalRow)
)
ALARMS_JSONL = "alarms.jsonl"  # one JSON object per alarm state change
TARGET_CPU_CSV = "target_cpu.csv"  # the embedded target's CPU, unix_second,cpu_percent lines
STAIRS_PNG = "stairs.png"  # the planned stair, drawn before the run starts
LOCUST_CSV_PREFIX = "locust"  # Locust's --csv prefix: locust_stats.csv, locust_stats_history.csv...
HISTORY_CSV = "locust_stats_history.csv"  # Locust's cumulative history (the report's fallback)
LOCUST_HTML = "locust.html"  # Locust's own report
LOCUST_LOG = "locust.log"  # the master's log
TARGET_DIR = "target"  # the embedded target's database and log
STEPS_CSV = "steps.csv"  # the report's per-step table
SUMMARY_JSON = "summary.json"  # the report's figures and verdict
REPORT_HTML = "report.html"  # the report
JUNIT_XML = "junit.xml"  # the report's checks and step validity as JUnit XML, for CI
SUMMARY_MD = "summary.md"  # the report's verdict, checks and steps in Markdown, for CI
GATE_JSON = "gate.json"  # stairload report gate's rules and findings (into RUN or --out)
GATE_HTML = "gate.html"  # stairload report gate's page
# A scale-out run (stairload scaleout run) adds:
SCALING_JSONL = "scaling.jsonl"  # one JSON object per scaling event (stairload.scaleout.events)
INSTANCES_CSV = "instances.csv"  # per second per instance: state, HAProxy status, CPU, responses
SCALING_JSON = "scaling.json"  # the scaling part's figures (stairload.scaleout.report)
SCALING_HTML = "scaling.html"  # the scaling report part
SCALING_PNG = "scaling.png"  # TPS and MTT with the instances over time
HAPROXY_CFG = "haproxy.cfg"  # the generated load balancer configuration
INSTANCES_DIR = "instances"  # each instance's log (and warm-up log)


def worker_log(index: int) -> str:
    """The log of local worker ``index`` (1-based)."""
    return f"worker-{index}.log"
