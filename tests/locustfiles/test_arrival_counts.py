"""An open run's per-second book: started, dropped and user-seen times, merged exactly."""

from __future__ import annotations

import pytest

from capacity.arrival_stairs import process_ceiling
from stairload.loadgen.arrival_book import ArrivalBook
from stairload.rundir import IntervalRow
from stairload.rundir.latency import LatencyHistogram


def _total(second: int) -> IntervalRow:
    return IntervalRow(second, 1_000.0 + second, "", "Total", 3, 8, 2, 0)


def test_a_pooled_request_is_timed_from_its_journeys_intended_start() -> None:
    """A 20 ms answer of a journey that started 100 ms late is a 120 ms user-seen time."""
    book = ArrivalBook()
    book.count_request(2, 20.0, 100.0)
    book.count_request(2, 5.0, 0.0)
    (row,) = book.decorate(2, [_total(2)])
    assert row.corrected_mean_ms == 62.5
    histogram = LatencyHistogram.from_cell(row.corrected_histogram or "")
    assert histogram.count == 2
    assert histogram.values_at_ms((50.0, 100.0)) == pytest.approx([5.0, 120.0], rel=1e-3)


def test_counts_that_come_after_their_second_go_into_the_next_written_one() -> None:
    """A drop filed under second 3 after second 3 was written is not lost: second 5 has it."""
    book = ArrivalBook()
    book.count_start(5)
    (row3,) = book.decorate(3, [_total(3)])
    book.count_drop(3)
    (row5,) = book.decorate(5, [_total(5)])
    assert (row3.started, row3.dropped) == (0, 0)
    assert (row5.started, row5.dropped) == (1, 1)


def test_only_the_total_row_carries_the_counts() -> None:
    """A named row of the same second keeps its open-run columns blank."""
    book = ArrivalBook()
    book.count_start(1)
    named = IntervalRow(1, 1_001.0, "GET", "/a", None, None, 2, 0)
    rows = book.decorate(1, [named, _total(1)])
    assert (rows[0].started, rows[1].started) == (None, 1)


def test_two_workers_books_merge_into_the_masters_exactly() -> None:
    """What two workers ship adds up on the master, histograms included."""
    workers = [ArrivalBook(), ArrivalBook()]
    for index, worker in enumerate(workers):
        worker.count_start(0)
        worker.count_drop(0)
        worker.count_request(0, 10.0 * (index + 1), 0.0)
    master = ArrivalBook()
    for worker in workers:
        master.merge_wire(worker.take_wire())
        assert worker.seconds == {}
    counts = master.pop(0)
    assert (counts.started, counts.dropped, counts.corrected_mean_ms) == (2, 2, 15.0)
    assert counts.corrected_histogram.values_at_ms((50.0, 100.0)) == [
        pytest.approx(10.0, rel=1e-3),
        pytest.approx(20.0, rel=1e-3),
    ]


def test_the_pools_ceiling_is_split_over_processes_in_whole_users() -> None:
    """10 users over 3 processes: 4, 3 and 3; 2 users over 3: 1, 1 and 0."""
    assert [process_ceiling(10, index, 3) for index in range(3)] == [4, 3, 3]
    assert [process_ceiling(2, index, 3) for index in range(3)] == [1, 1, 0]
