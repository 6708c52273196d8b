"""Requests the load generator could not send: its own faults, never the target's failures.

A journey step whose request cannot be built (a missing template variable, a header value
with a line break, the rows of a ``pick: unique`` data file exhausted) and the load
generator's own operating-system limits (too many open files, no ephemeral port, no
buffer space) are faults of the generator or of the journey. They are counted apart from
the target's failures (``intervals.csv``'s ``faults`` column) and make the verdict
INCONCLUSIVE: they say nothing about the service under test.
"""

from __future__ import annotations

import errno

# OSErrors raised by the load generator's own process or machine, not by the network.
GENERATOR_ERRNOS = frozenset(
    {
        errno.EMFILE,  # Too many open files (this process's descriptor limit)
        errno.ENFILE,  # Too many open files in the system
        errno.ENOBUFS,  # No buffer space available
        errno.ENOMEM,  # Cannot allocate memory
        errno.EADDRNOTAVAIL,  # no ephemeral port left to connect from
    }
)


DATA_FAULT_METHOD = "DATA"  # the ``method`` under which a user without a data row is recorded


class GeneratorFault(Exception):
    """A request that was not sent, and why (the message): not a failure of the target."""

    def __repr__(self) -> str:
        """The message alone: Locust's failure tables show an error by its ``repr``."""
        return str(self)


def is_generator_fault(exception: object) -> bool:
    """Whether a request's exception is the generator's or the journey's, not the target's."""
    if isinstance(exception, GeneratorFault):
        return True
    return isinstance(exception, OSError) and exception.errno in GENERATOR_ERRNOS


def fault_text(error: OSError) -> str:
    """``generator fault: [Errno 24] Too many open files`` for a generator's own OSError."""
    return f"generator fault: {error.__class__.__name__}: {error}"
