"""The names of the files in a run directory and a comparison's (see ``docs/run-directory.md``)."""

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
STAIRS_PNG = "stairs.png"  # the planned stair, drawn when the load has stopped
LOCUST_CSV_PREFIX = "locust"  # Locust's --csv prefix: locust_stats.csv, locust_stats_history.csv...
# Locust's --csv PREFIX writes PREFIX + each of these (Locust's own names)
LOCUST_STATS_SUFFIX = "_stats.csv"
LOCUST_FAILURES_SUFFIX = "_failures.csv"
LOCUST_EXCEPTIONS_SUFFIX = "_exceptions.csv"
LOCUST_STATS_CSV = LOCUST_CSV_PREFIX + LOCUST_STATS_SUFFIX  # totals per name and Aggregated
HISTORY_CSV = "locust_stats_history.csv"  # Locust's cumulative history (the report's fallback)
LOCUST_HTML = "locust.html"  # Locust's own report
LOCUST_LOG = "locust.log"  # the master's log
TARGET_DIR = "target"  # the embedded target's database and log:
TARGET_DB = "target.db"  # its SQLite database
TARGET_LOG = "target.log"  # its output
STEPS_CSV = "steps.csv"  # the report's per-step table
SUMMARY_JSON = "summary.json"  # the report's figures and verdict
# The report's charts, in the order the report shows them (reports.charts)
TPS_PNG = "tps.png"
MTT_PNG = "mtt.png"
PERCENTILES_PNG = "percentiles.png"
ERRORS_PNG = "errors.png"
USERS_PNG = "users.png"
THROUGHPUT_USERS_PNG = "throughput_users.png"
CAPACITY_PNG = "capacity.png"  # the measured capacity curve (reports.capacity_chart)
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
HAPROXY_LOG = "haproxy.log"  # HAProxy's output
SHARED_DB = "shared.db"  # in TARGET_DIR: the database the embedded instances share
INSTANCES_DIR = "instances"  # each instance's log (and warm-up log): instance_log(id)...
# A comparison of two runs (reports compare) writes into its own directory:
COMPARE_CSV = "compare.csv"
COMPARE_TPS_PNG = "compare_tps.png"
COMPARE_MTT_PNG = "compare_mtt.png"
COMPARE_HTML = "compare.html"
# A scale-out experiment (stairload scaleout experiment) writes, beside its runs:
EXPERIMENT_MD = "experiment.md"  # one row per warm-up setting (stairload.scaleout.experiment)


def worker_log(index: int) -> str:
    """The log of local worker ``index`` (1-based)."""
    return f"worker-{index}.log"


def instance_log(instance_id: str) -> str:
    """The output of scale-out instance ``instance_id``, in ``INSTANCES_DIR``."""
    return f"{instance_id}.log"


def instance_warmup_log(instance_id: str) -> str:
    """The warm-up log of scale-out instance ``instance_id``, in ``INSTANCES_DIR``."""
    return f"{instance_id}.warmup.log"
