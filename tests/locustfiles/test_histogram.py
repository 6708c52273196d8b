"""Per-second statistics: Locust's rounding, percentiles, and exact merging across workers."""

from __future__ import annotations

import random

from stairload.rundir.histogram import IntervalBook, second_rows
from stairload.rundir.latency import LatencyHistogram, highest_equivalent_us


def test_rows_keep_microseconds() -> None:
    """A second's percentiles and max keep the microseconds Locust measured, not its buckets."""
    book = IntervalBook()
    for elapsed in (0.7304, 1.2346, 905.2004):
        book.add(0, "GET", "/a", elapsed, failed=False)
    total = second_rows(0, 0.0, book.pop_through(0)[0], users=1, target_users=1)[-1]
    assert (total.min_ms, total.p50_ms, total.max_ms) == (0.73, 1.235, 905.2)
    assert total.p99_9_ms == highest_equivalent_us(905_200) / 1000
    assert 905.2 <= total.p99_9_ms < 905.2 * 1.001


def test_rows_describe_only_their_second() -> None:
    """Each second's rows count only the requests that completed in that second."""
    book = IntervalBook()
    for _ in range(3):
        book.add(0, "GET", "/trips", 10.0, failed=False)
    book.add(1, "GET", "/trips", 400.0, failed=True)
    seconds = book.pop_through(1)
    first = second_rows(0, 0.0, seconds[0], users=5, target_users=5)
    second = second_rows(1, 1.0, seconds[1], users=5, target_users=5)
    assert (first[-1].requests, first[-1].failures, first[-1].mean_ms) == (3, 0, 10.0)
    assert (second[-1].requests, second[-1].failures, second[-1].mean_ms) == (1, 1, 400.0)


def test_empty_second_has_a_total_row_with_blank_times() -> None:
    """A second with no completed request still gets a Total row, with empty time columns."""
    rows = second_rows(7, 7.0, {}, users=3, target_users=3)
    assert len(rows) == 1
    assert rows[0].is_total and rows[0].requests == 0 and rows[0].mean_ms is None


def test_merged_workers_equal_one_process() -> None:
    """Splitting requests over two workers and merging on the master changes no number."""
    rng = random.Random(7)
    requests = [
        (rng.randint(0, 4), rng.choice(["/a", "/b"]), rng.uniform(1, 2_000), rng.random() < 0.1)
        for _ in range(2_000)
    ]
    single, worker_a, worker_b, master = (
        IntervalBook(),
        IntervalBook(),
        IntervalBook(),
        IntervalBook(),
    )
    for index, (second, name, elapsed, failed) in enumerate(requests):
        single.add(second, "GET", name, elapsed, failed)
        (worker_a if index % 2 else worker_b).add(second, "GET", name, elapsed, failed)
    worker_a.users[0], worker_b.users[0] = 4, 6
    master.merge_wire(*worker_a.take_wire())
    master.merge_wire(*worker_b.take_wire())
    expected = single.pop_through(4)
    merged = master.pop_through(4)
    for second in range(5):
        assert second_rows(second, 0.0, merged[second], 10, 10) == second_rows(
            second, 0.0, expected[second], 10, 10
        )
    assert master.pop_users_through(0) == {0: 10}


def test_a_late_bucket_is_filed_in_the_first_open_second() -> None:
    """Requests reported after their second was written go into the next one, counted."""
    book = IntervalBook()
    book.add(3, "GET", "/a", 10.0, failed=False)
    book.add(3, "GET", "/a", 30.0, failed=True)
    book.add(5, "GET", "/a", 50.0, failed=False)
    seconds, late = book.pop_open_seconds(5, 6)
    assert late == 2
    assert list(seconds) == [5]
    bucket = seconds[5][("GET", "/a")]
    assert (bucket.requests, bucket.failures, bucket.total_ms) == (3, 1, 90.0)
    assert book.buckets == {}


def test_the_total_row_carries_the_seconds_histogram() -> None:
    """A second's Total row holds its merged HDR histogram, encoded; name rows hold none."""
    book = IntervalBook()
    for name, elapsed in (("/a", 10.0), ("/a", 10.4), ("/b", 123.0)):
        book.add(0, "GET", name, elapsed, failed=False)
    rows = second_rows(0, 0.0, book.pop_through(0)[0], users=1, target_users=1)
    assert [row.histogram is None for row in rows] == [True, True, False]
    decoded = LatencyHistogram.decode(rows[-1].histogram or "")
    assert decoded.count == 3
    assert decoded.values_at_ms((50.0, 100.0)) == [
        highest_equivalent_us(10_400) / 1000,
        highest_equivalent_us(123_000) / 1000,
    ]
