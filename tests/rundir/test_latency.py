"""The latency histogram: microseconds at 3 digits, one percentile definition, safe text."""

from __future__ import annotations

import base64
import contextlib
import random
import struct
import zlib

import pytest
from hdrh.histogram import HdrHistogram

from stairload.rundir.latency import (
    HIGHEST_US,
    LatencyHistogram,
    LatencySum,
    highest_equivalent_us,
)

PERCENTILES = (0.1, 1.0, 25.0, 50.0, 90.0, 95.0, 99.0, 99.9, 99.99, 100.0)


def _times_us(seed: int, count: int) -> list[int]:
    rng = random.Random(seed)
    return [int(rng.lognormvariate(10, 1.2)) for _ in range(count)]


def _recount_ms(times_us: list[int], percentile: float) -> float:
    """The definition, applied to the raw times: nearest rank (halves up), top of its bucket."""
    ordered = sorted(times_us)
    rank = max(1, int(percentile / 100 * len(ordered) + 0.5))
    return highest_equivalent_us(ordered[rank - 1]) / 1000


def test_bulk_recording_counts_as_hdrh_does() -> None:
    """record_all_us fills the same buckets, count, min and max as hdrh's record_value."""
    times = [*_times_us(1, 5_000), 0, 1, 2047, 2048, 4095, HIGHEST_US, HIGHEST_US + 5, -3]
    bulk = LatencyHistogram()
    bulk.record_all_us(times)
    one_by_one = HdrHistogram(1, HIGHEST_US, 3)
    for value in times:
        one_by_one.record_value(min(max(value, 0), HIGHEST_US))
    assert bulk.count == one_by_one.total_count == len(times)
    assert bulk.encode() == one_by_one.encode().decode()  # same counts, byte for byte
    ours = HdrHistogram.decode(bulk.encode())
    assert list(ours.counts) == list(one_by_one.counts)


def test_percentiles_are_hdrhs_value_at_percentile() -> None:
    """value_at_ms is hdrh's get_value_at_percentile (in ms), for every percentile asked."""
    times = _times_us(2, 3_001)
    histogram, theirs = LatencyHistogram(), HdrHistogram(1, HIGHEST_US, 3)
    histogram.record_all_us(times)
    for value in times:
        theirs.record_value(value)
    expected = [theirs.get_value_at_percentile(p) / 1000 for p in PERCENTILES]
    assert histogram.values_at_ms(PERCENTILES) == expected
    decoded = LatencyHistogram.decode(histogram.encode())
    assert decoded.values_at_ms(PERCENTILES) == expected


def test_percentiles_agree_with_a_recount_of_the_raw_times() -> None:
    """Each percentile is the ranked request's time rounded up within 0.1% (1 us below 2 ms)."""
    times = _times_us(3, 1_237)
    histogram = LatencyHistogram()
    histogram.record_all_us(times)
    for percentile in PERCENTILES:
        value = histogram.value_at_ms(percentile)
        assert value == _recount_ms(times, percentile), percentile
        true_ms = sorted(times)[max(1, int(percentile / 100 * len(times) + 0.5)) - 1] / 1000
        assert true_ms <= value <= true_ms * 1.001 + 0.001, percentile


def test_an_empty_histogram_has_no_percentile() -> None:
    """No request, no percentile."""
    assert LatencyHistogram().values_at_ms((50.0, 99.9)) == [None, None]


def test_encoded_histograms_merge_exactly() -> None:
    """Two halves encoded, decoded and added equal the whole, bucket for bucket."""
    times = _times_us(4, 2_000)
    whole, merged = LatencyHistogram(), LatencyHistogram()
    whole.record_all_us(times)
    for half in (times[::2], times[1::2]):
        part = LatencyHistogram()
        part.record_all_us(half)
        merged.add_encoded(part.encode())
    assert merged.count == whole.count == 2_000
    assert merged.values_at_ms(PERCENTILES) == whole.values_at_ms(PERCENTILES)
    assert merged.encode() == whole.encode()


def test_the_wire_form_round_trips() -> None:
    """A worker's to_wire counts rebuild the same histogram on the master."""
    histogram = LatencyHistogram()
    histogram.record_all_us(_times_us(5, 500))
    rebuilt = LatencyHistogram.from_wire(histogram.to_wire())
    assert rebuilt.count == 500 and rebuilt.encode() == histogram.encode()


def test_encoding_leaves_no_counts_behind() -> None:
    """Encoding one histogram, then another, gives the second's text only (shared encoder)."""
    first, second = LatencyHistogram(), LatencyHistogram()
    first.record_all_us([10, 20_000, 3_000_000])
    second.record_all_us([15])
    first.encode()
    assert HdrHistogram.decode(second.encode()).get_total_count() == 1
    assert LatencyHistogram().encode() == HdrHistogram(1, HIGHEST_US, 3).encode().decode()


def test_the_text_is_hdrhs_own_encoding() -> None:
    """hdrh itself decodes the text (docs/run-directory.md tells readers to do so)."""
    histogram = LatencyHistogram()
    histogram.record_all_us([1_500, 2_500, 250_000])
    text = histogram.encode()
    assert ":" not in text and "," not in text
    assert HdrHistogram.decode(text).get_value_at_percentile(50) == 2_501


def test_a_schema_1_cell_reads_as_whole_milliseconds() -> None:
    """'ms:count' pairs (Locust-rounded) become that many thousand microseconds."""
    histogram = LatencyHistogram.from_cell("5:120 6:80 120:3")
    assert histogram.count == 203
    assert histogram.values_at_ms((50.0, 100.0)) == [
        highest_equivalent_us(5_000) / 1000,
        highest_equivalent_us(120_000) / 1000,
    ]
    with pytest.raises(ValueError, match="not 'ms:count' pairs"):
        LatencyHistogram.from_cell("5:1 6-2")


def _framed(payload: bytes) -> str:
    compressed = zlib.compress(payload)
    return base64.b64encode(struct.pack(">II", 0x1C849314, len(compressed)) + compressed).decode()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty or too long"),
        ("not base64 !", "not base64"),
        ("QUJD", "too short"),
        (base64.b64encode(b"12345678abcdef").decode(), "bad header"),
        (HdrHistogram(1, 60_000, 2).encode().decode(), "1 us .. 1 h at 3 digits"),
        (_framed(b"\0" * 10_000_000), "bad size"),
        ("A" * (2 << 20), "empty or too long"),
    ],
)
def test_a_text_that_is_not_ours_is_refused_before_decoding(text: str, message: str) -> None:
    """Garbage, another histogram's range, a zlib bomb: one ValueError, nothing allocated."""
    with pytest.raises(ValueError, match=message):
        LatencyHistogram.decode(text)


def test_damaged_counts_are_refused_or_read_and_never_leak_into_the_next() -> None:
    """Random varints after a good header: a ValueError or a histogram; the scratch is clean."""
    rng = random.Random(9)
    good = LatencyHistogram()
    good.record_all_us([rng.randint(0, 10**7) for _ in range(300)])
    text = good.encode()
    payload = zlib.decompress(base64.b64decode(text)[8:])
    header, body = payload[:40], payload[40:]
    for trial in range(300):
        damaged = bytearray(body) if trial % 2 else bytearray(rng.randbytes(rng.randint(0, 400)))
        for _ in range(rng.randint(1, 5) if damaged and trial % 2 else 0):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        with contextlib.suppress(ValueError):
            LatencyHistogram.decode(_framed(header + bytes(damaged)))
        assert LatencyHistogram.decode(text).encode() == text, trial


def test_a_sum_of_cells_equals_the_merged_histograms() -> None:
    """LatencySum (the report's fast path) adds encoded and schema-1 cells as add does."""
    parts = [_times_us(seed, 400) for seed in range(6, 10)]
    expected, total = LatencyHistogram(), LatencySum()
    for times in parts:
        part = LatencyHistogram()
        part.record_all_us(times)
        expected.add(part)
        total.add_cell(part.encode())
    expected.add(LatencyHistogram.from_cell("5:120 800:3"))
    total.add_cell("5:120 800:3")
    with pytest.raises(ValueError, match="not base64"):
        total.add_cell("HISTF!")
    assert total.histogram().encode() == expected.encode()
    assert total.histogram().count == 1_723


def test_count_above_counts_the_values_over_a_limit() -> None:
    """Two answers of 600 ms and one of 400 ms: two above 500 ms, none above 600.6 ms."""
    histogram = LatencyHistogram()
    histogram.record_us(600_000, 2)
    histogram.record_us(400_000)
    assert histogram.count_above_ms(500.0) == 2
    assert histogram.count_above_ms(600.6) == 0  # 600 ms's bucket is under 0.1% wide
