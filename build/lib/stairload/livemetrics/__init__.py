"""The live picture of a running stair, fed one ``intervals.csv`` second at a time.

``LiveSource`` holds it; the Prometheus exporter and the live page both read it.
"""

from stairload.livemetrics.exporter import (
    ALARM_STATE_VALUES,
    METRIC_NAMES,
    LiveMetrics,
    serve_live_metrics,
)
from stairload.livemetrics.source import LiveSource

__all__ = ["ALARM_STATE_VALUES", "METRIC_NAMES", "LiveMetrics", "LiveSource", "serve_live_metrics"]
