"""Progress on stderr: a bar on a terminal, a line every 10% otherwise."""

from __future__ import annotations

import io

from stairload.warmup.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_stream_gets_a_line_every_ten_percent() -> None:
    """Without a TTY, one line per 10% step, never repeated."""
    stream = io.StringIO()
    progress = Progress(1000, stream)
    for done in range(0, 1001, 7):
        progress.update(done)
    progress.finish(1000)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 10
    assert lines[0] == "warm-up: 10% (105/1,000 requests)"
    assert lines[-1] == "warm-up: 100% (1,000/1,000 requests)"


def test_terminal_gets_a_bar_redrawn_in_place() -> None:
    """On a TTY, the bar is redrawn with a carriage return and ends with a newline."""
    stream = _Terminal()
    progress = Progress(200, stream)
    progress.update(100)
    progress.finish(200)
    text = stream.getvalue()
    assert "\rwarm-up [###############...............]  50% 100/200" in text
    assert text.endswith("\rwarm-up [##############################] 100% 200/200\n")
