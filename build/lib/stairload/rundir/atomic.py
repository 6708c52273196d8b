"""Every write into a run directory: whole files atomically, streams without symlinks.

A run directory can fill up, turn read-only or hold a symlink someone planted. Every writer
of ``runs/<id>/`` goes through here, so each of these ends the same way:

- ``write_file`` writes a whole file (``run.json``, the report, its CSVs and charts) into
  a temporary file of the same directory and ``os.replace``-s it over the name: a reader
  sees the old file or the new one, never half of one, and a symlink at the name is
  replaced, never written through;
- ``Stream`` appends to a file written line by line (``intervals.csv``, ``target_cpu.csv``,
  ``alarms.jsonl``), opened with ``O_NOFOLLOW`` (a symlink at the name is refused); a
  line the disk took only half of is cut back, so readers see whole rows;
- an ``OSError`` becomes ``RunDirFault``: one line naming the file and the cause, the
  ``run.json`` ``exit_reason`` (``disk_full`` or ``run_dir_unwritable``) and its exit code.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from stairload.core import exitcodes
from stairload.core.errors import StairloadError
from stairload.core.exitcodes import ExitReason

_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


class RunDirFault(StairloadError):
    """A file of the run directory could not be written: the disk is full or not writable."""

    def __init__(self, path: Path | str, error: OSError) -> None:
        self.path = Path(path)
        self.error = error
        self.reason = (
            ExitReason.DISK_FULL if error.errno in _FULL else ExitReason.RUN_DIR_UNWRITABLE
        )
        self.exit_code = exitcodes.code_of(self.reason)
        cause = error.strerror or str(error)
        if error.errno == errno.ELOOP:
            cause = "it is a symlink, and the run directory's files are never written through one"
        what = "the disk is full" if self.reason == ExitReason.DISK_FULL else "not writable"
        super().__init__(f"{self.path}: {what} ({cause})")


def fault_of(path: Path | str, error: OSError) -> RunDirFault:
    """The fault a write of ``path`` that raised ``error`` ends the run with."""
    return RunDirFault(path, error)


def write_file(path: Path, content: str | bytes) -> None:
    """Write ``content`` to ``path`` atomically (text as UTF-8); raise ``RunDirFault``."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    write_with(path, lambda handle: handle.write(data), binary=True)


def write_with(path: Path, write: Callable[[IO[Any]], object], *, binary: bool = False) -> None:
    """Call ``write`` with an open temporary file, then move it over ``path``; atomic.

    Text files are UTF-8 with ``newline=""`` (the csv module's rule). ``RunDirFault`` on
    any ``OSError``; the temporary file never stays behind.
    """
    path = Path(path)
    temporary = None
    try:
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        mode = "wb" if binary else "w"
        options: dict[str, Any] = {} if binary else {"encoding": "utf-8", "newline": ""}
        with os.fdopen(descriptor, mode, **options) as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)  # a symlink at ``path`` is replaced, not followed
        temporary = None
    except OSError as error:
        raise fault_of(path, error) from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


class Stream:
    """A file written in whole lines: a write that fails is cut back to its last whole line.

    A full disk can take half a line; the next reader then sees only whole rows. Unbuffered:
    each ``write`` is on disk (in the page cache) when it returns.
    """

    def __init__(self, path: Path, *, append: bool = False) -> None:
        self.path = Path(path)
        flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
        flags |= os.O_APPEND if append else os.O_TRUNC
        try:
            self._descriptor: int | None = os.open(self.path, flags, 0o644)
            self._good = os.lseek(self._descriptor, 0, os.SEEK_END)
        except OSError as error:
            raise fault_of(self.path, error) from None

    def write(self, text: str) -> None:
        """Append ``text`` (whole lines); ``RunDirFault`` after cutting the file back."""
        if self._descriptor is None:
            raise fault_of(self.path, OSError(errno.EBADF, "closed after an earlier fault"))
        encoded = text.encode("utf-8")
        data = memoryview(encoded)
        try:
            while data:
                data = data[os.write(self._descriptor, data) :]
        except OSError as error:
            self._cut_back()
            raise fault_of(self.path, error) from None
        self._good += len(encoded)

    def close(self) -> None:
        """Close the file (idempotent)."""
        if self._descriptor is not None:
            descriptor, self._descriptor = self._descriptor, None
            try:
                os.close(descriptor)
            except OSError as error:
                raise fault_of(self.path, error) from None

    def _cut_back(self) -> None:
        assert self._descriptor is not None
        try:
            os.ftruncate(self._descriptor, self._good)
            os.lseek(self._descriptor, self._good, os.SEEK_SET)
        except OSError:
            pass


def probe(directory: Path) -> RunDirFault | None:
    """Whether ``directory`` takes a new file now: the fault, or None."""
    path = Path(directory) / ".stairload-probe"
    try:
        write_file(path, b"probe\n")
    except RunDirFault as fault:
        return RunDirFault(directory, fault.error)
    with contextlib.suppress(OSError):
        path.unlink()
    return None


def open_log(path: Path) -> IO[bytes]:
    """A new log file for a child process's output (truncated), never through a symlink."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        return os.fdopen(os.open(path, flags, 0o644), "wb")
    except OSError as error:
        raise fault_of(path, error) from None
