"""``stairload import har FILE.har --scenario NAME``: a browser recording as declarative steps.

Parses the arguments, calls ``stairload.journeys.har``, writes the YAML snippet (to
``--out`` or the console) and says what it left out and what it replaced. The snippet is
checked with the project's own journey loader before it is written.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from stairload.core import exitcodes
from stairload.core.argtypes import base_url
from stairload.core.commandline import Parser, run_cli
from stairload.core.errors import InputError, UsageError

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")


def _parser() -> Parser:
    parser = Parser(
        prog="stairload import",
        description="Turn a recording into a scenario's declarative journey steps.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="FORMAT")
    har = commands.add_parser(
        "har",
        help="a browser's HAR 1.2 recording (developer tools: Save all as HAR)",
        description="One step per request to the recorded origin, in order: method, path, "
        "query, JSON body, the recorded status, think time from the gaps. Values an earlier "
        "JSON response gave and a later request sends again become a capture and a "
        "{variable}. Static assets and other origins are left out and listed. A recorded "
        "Authorization value is never written: a captured value or a variable replaces it.",
    )
    har.add_argument("har_file", metavar="FILE.har", type=Path)
    har.add_argument("--scenario", required=True, metavar="NAME", help="the scenario's name")
    har.add_argument(
        "--out",
        type=Path,
        metavar="PATH",
        help="write the scenarios.yaml snippet here (default: print it)",
    )
    har.add_argument(
        "--origin",
        type=base_url,
        metavar="URL",
        help="the origin to keep, e.g. https://api.example.com (default: the first "
        "request's that is not a static asset)",
    )
    har.add_argument(
        "--keep-static",
        action="store_true",
        help="keep images, CSS, JavaScript and fonts too",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code."""
    return run_cli(_run, argv)


def _run(argv: Sequence[str] | None) -> int:
    from stairload.journeys.har import import_har
    from stairload.journeys.har_entries import read_har
    from stairload.journeys.load import parse_journey

    args = _parser().parse_args(argv)
    if not _NAME.match(args.scenario):
        raise UsageError(
            f"--scenario: must be letters, digits, _ or - (got {args.scenario!r}) "
            "(see 'stairload import har --help')"
        )
    source = str(args.har_file)
    try:
        text = args.har_file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{source}: no such file") from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as error:
        raise InputError(f"{source}: cannot be read ({error.__class__.__name__})") from None
    imported = import_har(
        read_har(text, source), source, origin=args.origin, keep_static=args.keep_static
    )
    journey = imported.journey()
    base_dir = (args.out or Path("scenarios.yaml")).resolve().parent
    parse_journey(journey, source=source, scenario_name=args.scenario, base_dir=base_dir)
    snippet = _snippet(args.scenario, source, imported, journey)
    if args.out is None:
        sys.stdout.write(snippet)
        sys.stdout.flush()
    else:
        try:
            args.out.write_text(snippet, encoding="utf-8")
        except OSError as error:
            raise InputError(f"--out: cannot write {args.out} ({error.strerror})") from None
    report = sys.stderr if args.out is None else sys.stdout
    print(
        f"{len(imported.steps)} steps from {imported.origin}; "
        f"{len(imported.left_out)} requests left out",
        file=report,
    )
    for line in imported.left_out:
        print(f"left out: {line}", file=report)
    for note in imported.notes:
        print(f"note: {note}", file=report)
    if args.out is not None:
        print(f"written: {args.out} (paste it under scenarios: in scenarios.yaml)")
    return exitcodes.OK


def _snippet(name: str, source: str, imported: Any, journey: dict[str, Any]) -> str:
    seconds = max(1, round(imported.duration_seconds))
    scenario = {
        "description": f"imported from {Path(source).name}",
        "requests_per_user_per_day": len(imported.steps),
        "journey_seconds": seconds,
        "stairs": {"step_users": 1, "step_seconds": 60, "hold_seconds": 300, "spawn_rate": 1},
        **journey,
    }
    lines = [
        f"# Imported by 'stairload import har' from {Path(source).name}: "
        f"{len(imported.steps)} requests to {imported.origin}.",
        "# Check before a run: requests_per_user_per_day (one journey a day is assumed),",
        f"# journey_seconds (the recording took {imported.duration_seconds:.1f} s) and stairs.",
    ]
    lines += [f"# left out: {line}" for line in imported.left_out]
    lines += [f"# note: {note}" for note in imported.notes]
    body = yaml.safe_dump(
        {"scenarios": {name: scenario}}, sort_keys=False, allow_unicode=True, width=100
    )
    return "\n".join(lines) + "\n" + body
