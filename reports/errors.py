"""The reports package's exception family: one line and exit code 2 at the CLI edge."""

from __future__ import annotations


class ReportError(Exception):
    """A run directory the report cannot read: a missing file, a malformed field or line.

    The message names the file first, then the field or line, for example
    ``run.json: thresholds.mtt_ms: must be a number > 0 (got 'fast')``.
    """

    exit_code = 2
