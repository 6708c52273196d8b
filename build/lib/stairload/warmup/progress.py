"""Progress on stderr: a bar redrawn in place on a terminal, a plain line every 10% otherwise."""

from __future__ import annotations

from typing import TextIO

_BAR_WIDTH = 30


class Progress:
    """Shows ``done`` of ``total``; call ``update`` as often as you like, then ``finish``."""

    def __init__(self, total: int, stream: TextIO, label: str = "warm-up") -> None:
        self.total = max(1, total)
        self._stream = stream
        self._label = label
        self._tty = stream.isatty()
        self._shown = -1

    def update(self, done: int) -> None:
        """Show ``done`` if it moved the display (a 1% step on a TTY, a 10% step otherwise)."""
        percent = min(100, done * 100 // self.total)
        step = percent if self._tty else percent // 10 * 10
        if step <= self._shown:
            return
        self._shown = step
        if self._tty:
            filled = _BAR_WIDTH * percent // 100
            bar = "#" * filled + "." * (_BAR_WIDTH - filled)
            self._stream.write(f"\r{self._label} [{bar}] {percent:3d}% {done:,}/{self.total:,}")
        elif step > 0:
            self._stream.write(f"{self._label}: {step}% ({done:,}/{self.total:,} requests)\n")
        self._stream.flush()

    def finish(self, done: int) -> None:
        """Show the final count and end the bar's line."""
        self.update(done)
        if self._tty:
            self._stream.write("\n")
            self._stream.flush()
