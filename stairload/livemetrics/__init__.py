"""Live Prometheus metrics of a running stair, fed one ``intervals.csv`` second at a time."""

from stairload.livemetrics.exporter import (
    ALARM_STATE_VALUES,
    METRIC_NAMES,
    LiveMetrics,
    serve_live_metrics,
)

__all__ = ["ALARM_STATE_VALUES", "METRIC_NAMES", "LiveMetrics", "serve_live_metrics"]
