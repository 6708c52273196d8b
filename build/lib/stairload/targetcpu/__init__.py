"""The CPU of the service under test, sampled per second from outside that service.

Two sources, one shape of result: a ``dict[int, float]`` from unix second to the CPU the
service used in that second, in percent of one core (100 = one core busy all second;
a service on four busy cores reads 400), the unit of ``top`` and ``psutil``.

``ProcessTreeCpu(pid)`` -- a process on this machine and all its descendants::

    from stairload.targetcpu import ProcessTreeCpu

    with ProcessTreeCpu(pid) as cpu:      # a daemon thread samples once a second
        ...                               # run the load
    cpu.by_second()                       # {1764050000: 63.2, 1764050001: 71.0, ...}

  Children started later are picked up at the next sample; every second the process
  lives gets a value (a late sample spreads its CPU evenly over the seconds it covers);
  sampling ends by itself when the process exits. The CPU of a child in its last
  second before it exits may be missed (psutil cannot read an exited process).

``PrometheusCpu(url, query)`` -- whatever Prometheus already collects, read afterwards
through its HTTP API (``/api/v1/query_range``, step 1 s)::

    from stairload.targetcpu import PrometheusCpu

    query = '100 * rate(process_cpu_seconds_total{job="api"}[15s])'
    source = PrometheusCpu("http://127.0.0.1:9090", query)
    source.by_second(start_unix, end_unix)

  The query must return percent of one core; several series are added up per second
  (wrap the query in ``avg()`` for the mean of several instances).

``mean_cpu(by_second, start_unix, end_unix)`` is the mean over a window (None when the
window has no sample). Bad input (no such process, a URL that is not http(s), a
Prometheus error) raises ``TargetCpuError`` with a one-line message.
"""

from __future__ import annotations

from stairload.targetcpu.errors import TargetCpuError
from stairload.targetcpu.process import ProcessTreeCpu
from stairload.targetcpu.prometheus import PrometheusCpu
from stairload.targetcpu.window import mean_cpu

__all__ = ["ProcessTreeCpu", "PrometheusCpu", "TargetCpuError", "mean_cpu"]
