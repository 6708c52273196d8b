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
import itertools
import struct
import zlib
from collections.abc import Sequence

from hdrh.histogram import HdrHistogram

LOWEST_US = 1
HIGHEST_US = 3_600_000_000  # one hour
SIGNIFICANT_DIGITS = 3
REPORTED_PERCENTILES = (50.0, 95.0, 99.0, 99.9)
"""The percentiles stairload shows: p50, p95, p99 and p99.9."""

# The V2 encoding: an 8-byte big-endian (cookie, length) header, then a zlib payload that
# starts with (cookie, payload length, offset, digits, lowest, highest, ratio).
_COMPRESSION_COOKIE = 0x1C849314
_PAYLOAD_HEADER = struct.Struct(">IIIIQQd")
_MAX_TEXT = 1 << 20  # no second's histogram comes near a megabyte of text
_GEOMETRY = HdrHistogram(LOWEST_US, HIGHEST_US, SIGNIFICANT_DIGITS, word_size=2)
_COUNTS_LEN = _GEOMETRY.counts_len
assert _GEOMETRY.unit_magnitude == 0  # record_all_us's inline index relies on it
_MAX_PAYLOAD = _PAYLOAD_HEADER.size + 9 * _COUNTS_LEN  # 9 bytes: a varint's worst case


class LatencyHistogram:
    """Response times in microseconds; mergeable, encodable, with exact-rank percentiles."""

    __slots__ = ("_hdr",)

    def __init__(self) -> None:
        self._hdr = HdrHistogram(LOWEST_US, HIGHEST_US, SIGNIFICANT_DIGITS)

    @property
    def count(self) -> int:
        """How many values are recorded."""
        return int(self._hdr.total_count)

    def record_us(self, value_us: int, count: int = 1) -> None:
        """Record a time in us; above ``HIGHEST_US`` it counts as ``HIGHEST_US``."""
        self._hdr.record_value(min(max(int(value_us), 0), HIGHEST_US), count)

    def record_all_us(self, values_us: Sequence[int]) -> None:
        """Record many times in us (each clamped as ``record_us`` does), about 0.5 us each.

        The same counts as ``record_us`` one by one (a test holds them equal), with the
        bucket index computed inline: hdrh's ``record_value`` costs about 2.5 us a value.
        """
        if not values_us:
            return
        low, high = min(values_us), max(values_us)
        if low < 0 or high > HIGHEST_US:
            values_us = [min(max(int(value), 0), HIGHEST_US) for value in values_us]
            low, high = max(low, 0), min(high, HIGHEST_US)
        hdr = self._hdr
        counts, mask, shift = hdr.counts, hdr.sub_bucket_mask, hdr.sub_bucket_half_count_magnitude
        top, half = shift + 1, hdr.sub_bucket_half_count
        for value in values_us:
            bucket = (value | mask).bit_length() - top
            counts[((bucket + 1) << shift) + (value >> bucket) - half] += 1
        hdr.total_count += len(values_us)
        hdr.min_value = min(hdr.min_value, low)
        hdr.max_value = max(hdr.max_value, high)

    def add(self, other: LatencyHistogram) -> None:
        """Add another histogram's counts to this one."""
        if other.count:
            self._hdr.add(other._hdr)

    def add_encoded(self, text: str) -> None:
        """Add a histogram in ``encode``'s form; ValueError when it is not one of ours."""
        self.add(LatencyHistogram.decode(text))

    def encode(self) -> str:
        """The histogram as text: compressed V2 encoding, base64 (no ``:``, no comma)."""
        return self._hdr.encode().decode("ascii")

    @classmethod
    def decode(cls, text: str) -> LatencyHistogram:
        """The inverse of ``encode``; ValueError (one short sentence) for anything else.

        The text is checked before hdrh allocates anything: its size, its header, and
        that it describes a histogram of this module's range and digits.
        """
        _check_encoded(text)
        try:
            hdr = HdrHistogram.decode(text)
        except Exception as error:  # hdrh raises its own exceptions and zlib/ctypes ones
            raise ValueError(f"not an HDR histogram ({type(error).__name__})") from None
        histogram = cls.__new__(cls)
        histogram._hdr = hdr
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

    def value_at_ms(self, percentile: float) -> float | None:
        """The value at ``percentile`` (0 < p <= 100) in ms, to the us; None when empty."""
        return self.values_at_ms((percentile,))[0]

    def values_at_ms(self, percentiles: Sequence[float]) -> list[float | None]:
        """``value_at_ms`` of each percentile, from one pass over the counts."""
        hdr = self._hdr
        total = hdr.total_count
        if not total:
            return [None for _ in percentiles]
        last = hdr.get_counts_array_index(hdr.max_value) + 1
        cumulative = list(itertools.accumulate(hdr.counts[:last]))
        values: list[float | None] = []
        for percentile in percentiles:
            rank = max(1, int(min(percentile, 100.0) * total / 100 + 0.5))
            index = min(bisect.bisect_left(cumulative, rank), last - 1)
            value = hdr.get_highest_equivalent_value(hdr.get_value_from_index(index))
            values.append(value / 1000)
        return values


def highest_equivalent_us(value_us: int) -> int:
    """The top of ``value_us``'s HDR bucket: what a percentile landing on it reports."""
    return int(_GEOMETRY.get_highest_equivalent_value(min(max(int(value_us), 0), HIGHEST_US)))


def _check_encoded(text: str) -> None:
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
    _, _, offset, digits, lowest, highest, _ = _PAYLOAD_HEADER.unpack_from(payload)
    if (offset, digits, lowest, highest) != (0, SIGNIFICANT_DIGITS, LOWEST_US, HIGHEST_US):
        raise ValueError(
            f"not a latency histogram of 1 us .. 1 h at 3 digits "
            f"(got {lowest} .. {highest} at {digits})"
        )
