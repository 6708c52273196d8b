"""Locust's own CSV writer, guarded: a full or read-only disk ends the run, not a traceback.

Locust writes ``locust_stats*.csv`` from a background greenlet that dies with a traceback
on any ``OSError`` (and its ``close_files`` raises again at exit). ``install`` puts a
subclass in its place (Locust's ``main`` looks the class up when it starts the writer,
after the locustfile was imported) that turns the error into a ``RunDirFault`` handed to
the run's fault handler (``runtime(environment).extras["on_fault"]``).

Locust never stops that greenlet: it closes the files at exit and calls ``sys.exit``, and
a switch during the exit (an ``atexit`` handler that blocks) could wake it to write into a
closed file ("I/O operation on closed file" traceback, seen once in a two-worker open
run). Closing the files here stops the greenlet first, and a write after the close ends
it quietly.
"""

from __future__ import annotations

from typing import Any

import gevent
import locust.stats
from locust.stats import StatsCSVFileWriter

from stairload.loadgen.runtime import runtime
from stairload.rundir.atomic import fault_of

ON_FAULT = "on_fault"  # the key of the run's fault handler in the runtime's extras


class GuardedStatsCSVFileWriter(StatsCSVFileWriter):
    """Locust's CSV writer; an ``OSError`` goes to the run's fault handler and stops it."""

    _writer: gevent.Greenlet | None = None
    _closed = False

    def stats_writer(self) -> None:
        """Locust's loop, until the first error writing its files or their closing."""
        self._writer = gevent.getcurrent()
        try:
            super().stats_writer()
        except OSError as error:
            self._fault(error)
        except ValueError:  # a write into a file closed under it: the run is over
            if not self._closed:
                raise

    def close_files(self) -> None:
        """Stop the writer, then close every file; an error closing one (flushing a full
        disk) is the same fault as an error writing it."""
        self._closed = True
        if self._writer is not None and self._writer is not gevent.getcurrent():
            self._writer.kill(block=False)
        for handle in (
            self.requests_csv_filehandle,
            self.stats_history_csv_filehandle,
            self.failures_csv_filehandle,
            self.exceptions_csv_filehandle,
        ):
            try:
                handle.close()
            except OSError as error:
                self._fault(error, handle.name)

    def _fault(self, error: OSError, name: Any = None) -> None:
        path = name or getattr(error, "filename", None) or f"{self.base_filepath}_stats_history.csv"
        handler = runtime(self.environment).extras.get(ON_FAULT)
        if handler is not None:
            handler(fault_of(path, error))


def install() -> None:
    """Make Locust start the guarded writer for ``--csv``."""
    locust.stats.StatsCSVFileWriter = GuardedStatsCSVFileWriter  # type: ignore[misc]
