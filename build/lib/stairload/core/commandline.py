"""The one command-line edge: an argparse parser whose mistakes are ``UsageError``, and ``run_cli``.

``run_cli(main, argv)`` runs a command's ``main``; any ``StairloadError`` becomes
``Error: <message>`` on one line of stderr and its exit code; a closed stdout (``| head``)
ends quietly; anything else is a bug and raises with its traceback.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from stairload.core import exitcodes
from stairload.core.errors import StairloadError, UsageError

Argv = Sequence[str] | None


class Parser(argparse.ArgumentParser):
    """argparse whose mistakes raise ``UsageError``: ``ARGUMENT: problem (see 'PROG --help')``.

    An unknown choice also gets a did-you-mean. Sub-command parsers are of this class too.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["exit_on_error"] = False
        super().__init__(*args, **kwargs)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        try:
            return super().parse_known_args(args, namespace)
        except argparse.ArgumentError as error:
            where = f"{error.argument_name}: " if error.argument_name else ""
            raise UsageError(f"{where}{error.message} (see '{self.prog} --help')") from None

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        if action.choices is None or value in action.choices:
            return
        known = [str(choice) for choice in action.choices]
        close = difflib.get_close_matches(str(value), known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        allowed = ", ".join(repr(choice) for choice in known)
        raise argparse.ArgumentError(
            action, f"invalid choice: {value!r} (choose from {allowed}){hint}"
        )


def run_cli(main: Callable[[Argv], int], argv: Argv = None) -> int:
    """Run ``main(argv)`` and return its exit code; user mistakes print one ``Error:`` line."""
    try:
        code = main(argv)
        sys.stdout.flush()
        return code
    except StairloadError as error:
        print(f"Error: {error}", file=sys.stderr)
        return error.exit_code
    except SystemExit as done:  # --help and --version print and exit 0 through argparse
        if done.code is None or isinstance(done.code, int):
            return done.code or exitcodes.OK
        raise
    except BrokenPipeError:  # `capacity table | head`: the reader left; not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return exitcodes.OK
