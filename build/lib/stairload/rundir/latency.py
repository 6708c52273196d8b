"""The latency histogram: response times in microseconds, HDR at 3 significant digits.

Every latency stairload reports (a second's, a step's, an alarm period's percentiles)
comes from a ``LatencyHistogram``: an HdrHistogram (the ``hdrhistogram`` package, import
``hdrh``) tracking 1 us .. 1 hour (``HIGHEST_US``) at ``SIGNIFICANT_DIGITS`` = 3, so any
two values it tells apart differ by less than 0.1% (1 us below 2.048 ms, 2 us below
4.096 ms, ..., 256 us near 500 ms). Histograms add up exactly, whatever process or
window recorded them.

The one percentile definition (``value_at_ms``) is HdrHistogram's value at percentile:
the requests are ranked, rank ``max(1, int(p / 100 * count + 0.5))`` is taken (the
nearest rank, halves rounded up), and the answer is the *highest value equivalent* to
that request's time at 3 digits: the top of its HDR bucket, never below the true value
and above it by less than 0.1% (at most 1 us under 2 ms).

Text form (``encode``/``decode``): HdrHistogram's compressed V2 encoding in base64, the
form ``hdrh.histogram.HdrHistogram.decode`` reads. Schema-1 run directories hold
Locust-rounded ``ms:count`` pairs instead; ``from_cell`` reads both (a cell with ``:`` is
the old form: each whole ms is recorded as that many thousand us).
"""

from __future__ import annotations

import base64
import binascii
import bisect
import ctypes
import itertools
import struct
import zlib
from collections.abc import Sequence

from hdrh.histogram import HdrHistogram
from pyhdrh import add_array as add_counts  # hdrh's C codec, as hdrh.codec uses it
from pyhdrh import decode as decode_counts

LOWEST_US = 1
HIGHEST_US = 3_600_000_000  # one hour
SIGNIFICANT_DIGITS = 3
REPORTED_PERCENTILES = (50.0, 95.0, 99.0, 99.9)
"""The percentiles stairload shows: p50, p95, p99 and p99.9."""

# The V2 encoding: an 8-byte big-endian (cookie, length) header, then a zlib payload that
# starts with (cookie, payload length, offset, digits, lowest, highest, ratio).
_COMPRESSION_COOKIE = 0x1C849314
_ENCODING_COOKIE = 0x1C849313
_PAYLOAD_HEADER = struct.Struct(">IIIIQQd")
_MAX_TEXT = 1 << 20  # no second's histogram comes near a megabyte of text
_GEOMETRY = HdrHistogram(LOWEST_US, HIGHEST_US, SIGNIFICANT_DIGITS, word_size=2)
_COUNTS_LEN = _GEOMETRY.counts_len
_MAX_PAYLOAD = _PAYLOAD_HEADER.size + 9 * _COUNTS_LEN  # 9 bytes: a varint's worst case
assert _GEOMETRY.unit_magnitude == 0  # the inline bucket index below relies on it
_MASK, _SHIFT = _GEOMETRY.sub_bucket_mask, _GEOMETRY.sub_bucket_half_count_magnitude
_TOP, _HALF = _SHIFT + 1, _GEOMETRY.sub_bucket_half_count
_ENCODER = HdrHistogram(LOWEST_US, HIGHEST_US, SIGNIFICANT_DIGITS)  # kept zeroed between uses
_SCRATCH = (ctypes.c_uint64 * _COUNTS_LEN)()  # decode's counts, zeroed again after each use
_SCRATCH_ADDRESS = ctypes.addressof(_SCRATCH)


def _index(value_us: int) -> int:
    """hdrh's counts index of a time (``_counts_index_for``), inline."""
    bucket = (value_us | _MASK).bit_length() - _TOP
    return ((bucket + 1) << _SHIFT) + (value_us >> bucket) - _HALF


class LatencyHistogram:
    """Response times in microseconds; mergeable, encodable, with exact-rank percentiles.

    Held sparse: HDR bucket index -> count, so a histogram of a few hundred requests costs
    a few hundred dict entries, not hdrh's 188 KB counts array; one shared hdrh histogram
    encodes text, hdrh's C codec decodes it.
    """

    __slots__ = ("_counts", "_total")

    def __init__(self) -> None:
        self._counts: dict[int, int] = {}
        self._total = 0

    @property
    def count(self) -> int:
        """How many values are recorded."""
        return self._total

    def record_us(self, value_us: int, count: int = 1) -> None:
        """Record a time in us (``count`` times); above ``HIGHEST_US`` it counts as that."""
        index = _index(min(max(int(value_us), 0), HIGHEST_US))
        self._counts[index] = self._counts.get(index, 0) + count
        self._total += count

    def record_all_us(self, values_us: Sequence[int]) -> None:
        """Record many times in us (each clamped as ``record_us`` does), well under 1 us each.

        The same buckets as hdrh's ``record_value`` (a test holds them equal), the index
        computed inline: ``record_value`` costs about 2.5 us a value.
        """
        if not values_us:
            return
        if min(values_us) < 0 or max(values_us) > HIGHEST_US:
            values_us = [min(max(int(value), 0), HIGHEST_US) for value in values_us]
        counts, mask, shift, top, half = self._counts, _MASK, _SHIFT, _TOP, _HALF
        for value in values_us:
            bucket = (value | mask).bit_length() - top
            index = ((bucket + 1) << shift) + (value >> bucket) - half
            counts[index] = counts.get(index, 0) + 1
        self._total += len(values_us)

    def add(self, other: LatencyHistogram) -> None:
        """Add another histogram's counts to this one."""
        counts = self._counts
        for index, count in other._counts.items():
            counts[index] = counts.get(index, 0) + count
        self._total += other._total

    def add_encoded(self, text: str) -> None:
        """Add a histogram in ``encode``'s form; ValueError when it is not one of ours."""
        self.add(LatencyHistogram.decode(text))

    @classmethod
    def _from_counts(cls, counts: dict[int, int]) -> LatencyHistogram:
        histogram = cls()
        histogram._counts = counts
        histogram._total = sum(counts.values())
        return histogram

    def to_wire(self) -> list[int]:
        """The counts as a flat ``[index, count, index, count, ...]`` list (worker to master)."""
        return [number for pair in self._counts.items() for number in pair]

    @classmethod
    def from_wire(cls, flat: Sequence[int]) -> LatencyHistogram:
        """The inverse of ``to_wire`` (the same version of this module on both ends)."""
        histogram = cls()
        for index, count in zip(flat[::2], flat[1::2], strict=True):
            histogram._counts[int(index)] = histogram._counts.get(int(index), 0) + int(count)
            histogram._total += int(count)
        return histogram

    def encode(self) -> str:
        """The histogram as text: hdrh's compressed V2 encoding, base64 (no ``:``, no comma)."""
        hdr = _ENCODER
        counts = hdr.counts
        try:
            for index, count in self._counts.items():
                counts[index] = count
            hdr.total_count = self._total
            hdr.max_value = hdr.get_value_from_index(max(self._counts)) if self._counts else 0
            return hdr.encode().decode("ascii")
        finally:
            for index in self._counts:
                counts[index] = 0
            hdr.total_count, hdr.max_value = 0, 0

    @classmethod
    def decode(cls, text: str) -> LatencyHistogram:
        """The inverse of ``encode``; ValueError (one short sentence) for anything else.

        The text is checked first (its size, its header, that it describes a histogram of
        this module's range and digits); hdrh's own C codec then decodes the counts into
        a scratch array that is zeroed again after (no 188 KB array per histogram: a
        24-hour run has 86,400 of them to read).
        """
        span = _decode_into_scratch(_check_encoded(text))
        histogram = cls()
        if span is not None:
            histogram._counts = _take_counts(_SCRATCH, *span)
            histogram._total = sum(histogram._counts.values())
        return histogram

    @classmethod
    def from_legacy(cls, text: str) -> LatencyHistogram:
        """A schema-1 ``"5:120 6:80 120:3"`` (Locust-rounded ms:count) as a histogram."""
        histogram = cls()
        for pair in text.split():
            value, sep, count = pair.partition(":")
            try:
                if not sep or int(value) < 0 or int(count) < 0:
                    raise ValueError(pair)
                histogram.record_us(int(value) * 1000, int(count))
            except ValueError:
                raise ValueError(f"not 'ms:count' pairs (got {pair!r})") from None
        return histogram

    @classmethod
    def from_cell(cls, text: str) -> LatencyHistogram:
        """An ``intervals.csv`` histogram cell of either schema (see the module docstring)."""
        return cls.from_legacy(text) if ":" in text else cls.decode(text.strip())

    def count_above_ms(self, limit_ms: float) -> int:
        """How many values are above ``limit_ms``: those whose HDR bucket starts above it
        (a bucket straddling the limit, under 0.1% wide, is not counted)."""
        limit_us = limit_ms * 1000
        return sum(
            count
            for index, count in self._counts.items()
            if _GEOMETRY.get_value_from_index(index) > limit_us
        )

    def value_at_ms(self, percentile: float) -> float | None:
        """The value at ``percentile`` (0 < p <= 100) in ms, to the us; None when empty."""
        return self.values_at_ms((percentile,))[0]

    def values_at_ms(self, percentiles: Sequence[float]) -> list[float | None]:
        """``value_at_ms`` of each percentile, from one pass over the counts."""
        total = self._total
        if not total:
            return [None for _ in percentiles]
        indexes = sorted(self._counts)
        cumulative = list(itertools.accumulate(self._counts[index] for index in indexes))
        values: list[float | None] = []
        for percentile in percentiles:
            rank = max(1, int(min(percentile, 100.0) * total / 100 + 0.5))
            index = indexes[min(bisect.bisect_left(cumulative, rank), len(indexes) - 1)]
            value = _GEOMETRY.get_highest_equivalent_value(_GEOMETRY.get_value_from_index(index))
            values.append(value / 1000)
        return values


class LatencySum:
    """Many ``intervals.csv`` cells summed in hdrh's C codec: a window of a long run, read fast.

    Each encoded cell is decoded into the scratch array and added in C (tens of us a cell,
    where ``decode`` and ``add`` cost a dict entry per bucket); ``histogram`` gives the sum.
    One 188 KB counts array per sum.
    """

    __slots__ = ("_counts", "_legacy")

    def __init__(self) -> None:
        self._counts = (ctypes.c_uint64 * _COUNTS_LEN)()
        self._legacy = LatencyHistogram()

    def add_cell(self, text: str) -> None:
        """Add a histogram cell of either schema; ValueError when it is neither."""
        if ":" in text:
            self._legacy.add(LatencyHistogram.from_legacy(text))
            return
        span = _decode_into_scratch(_check_encoded(text.strip()))
        if span is not None:
            low, high = span
            offset = 8 * low
            add_counts(
                ctypes.addressof(self._counts) + offset, _SCRATCH_ADDRESS + offset, high - low, 8
            )
            _zero(_SCRATCH, low, high)

    def histogram(self) -> LatencyHistogram:
        """Everything added so far, as one histogram."""
        histogram = LatencyHistogram()
        histogram.add(self._legacy)
        counts = self._counts
        nonzero = list(itertools.compress(range(_COUNTS_LEN), counts))
        if nonzero:
            taken = {index: counts[index] for index in nonzero}
            histogram.add(LatencyHistogram._from_counts(taken))
        return histogram


def highest_equivalent_us(value_us: int) -> int:
    """The top of ``value_us``'s HDR bucket: what a percentile landing on it reports."""
    return int(_GEOMETRY.get_highest_equivalent_value(min(max(int(value_us), 0), HIGHEST_US)))


def _decode_into_scratch(payload: bytes) -> tuple[int, int] | None:
    """Decode a checked payload's counts into ``_SCRATCH``: the nonzero span, None if empty.

    The caller zeroes the span again (``_take_counts`` or ``_zero``).
    """
    try:
        found = decode_counts(payload, _PAYLOAD_HEADER.size, _SCRATCH_ADDRESS, _COUNTS_LEN, 8)
    except Exception as error:  # the C codec raises ValueError/IndexError on bad varints
        ctypes.memset(_SCRATCH, 0, ctypes.sizeof(_SCRATCH))  # it may have written some
        raise ValueError(f"not an HDR histogram ({type(error).__name__})") from None
    if not found["total"]:
        return None
    return found["min_nonzero_index"], found["max_nonzero_index"] + 1


def _take_counts(counts: ctypes.Array[ctypes.c_uint64], low: int, high: int) -> dict[int, int]:
    """The nonzero counts of ``counts[low:high]`` by index; that span is zeroed."""
    dense = counts[low:high]
    _zero(counts, low, high)
    return {low + offset: dense[offset] for offset in itertools.compress(range(high - low), dense)}


def _zero(counts: ctypes.Array[ctypes.c_uint64], low: int, high: int) -> None:
    ctypes.memset(ctypes.byref(counts, 8 * low), 0, 8 * (high - low))


def _check_encoded(text: str) -> bytes:
    """The decompressed payload of ``text`` once its form, size and header are ours."""
    if not isinstance(text, str) or not text or len(text) > _MAX_TEXT:
        raise ValueError("not an HDR histogram (empty or too long)")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not an HDR histogram (not base64)") from None
    if len(raw) < 8:
        raise ValueError("not an HDR histogram (too short)")
    cookie, length = struct.unpack_from(">II", raw)
    if cookie != _COMPRESSION_COOKIE or length != len(raw) - 8:
        raise ValueError("not an HDR histogram (bad header)")
    inflater = zlib.decompressobj()
    try:
        payload = inflater.decompress(raw[8:], _MAX_PAYLOAD)
    except zlib.error:
        raise ValueError("not an HDR histogram (bad compressed data)") from None
    if inflater.unconsumed_tail or len(payload) < _PAYLOAD_HEADER.size:
        raise ValueError("not an HDR histogram (bad size)")
    cookie, _, offset, digits, lowest, highest, _ = _PAYLOAD_HEADER.unpack_from(payload)
    if cookie != _ENCODING_COOKIE:
        raise ValueError("not an HDR histogram (bad payload header)")
    if (offset, digits, lowest, highest) != (0, SIGNIFICANT_DIGITS, LOWEST_US, HIGHEST_US):
        raise ValueError(
            f"not a latency histogram of 1 us .. 1 h at 3 digits "
            f"(got {lowest} .. {highest} at {digits})"
        )
    return payload
