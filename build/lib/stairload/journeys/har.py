"""A browser recording (HAR 1.2) turned into a scenario's declarative journey steps.

``import_har(entries, source)`` (entries from ``har_entries.read_har``) keeps the
requests to one origin (the first request's that is not a static asset, or ``origin``),
in order; static assets (images, CSS, JavaScript, fonts: by response MIME type or path
extension) and other origins are left out and listed. Each kept request becomes a step:
method, path, query, JSON body, the recorded status as ``expect``, ``think_seconds``
from the gap to the next request.

Captures are found for the user: a value of an earlier JSON response (a token, an id)
that a later request sends again (Authorization, a path segment, a query value, a JSON
body value) becomes a ``capture:`` on the step whose response held it (one already
captured, else the latest) and a ``{variable}`` in the later request. An Authorization
value no response held is never written: it becomes ``{auth_token}`` (a ``vars`` entry
the user fills in). Headers other than Authorization and a non-JSON Content-Type are
dropped; those a browser does not add on its own (cookies, API keys) are named in a
note, their values never written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from stairload.core.errors import InputError
from stairload.journeys.har_entries import Entry, parse_entry, static_reason

_BUILTINS = frozenset({"vu", "iteration", "uuid"})
_SECRET_VARIABLE = "auth_token"
_KEPT_HEADERS = frozenset({"authorization", "content-type"})
_PREFIXES = ("sec-", ":aut", ":met", ":pat", ":sch")  # fetch metadata, HTTP/2 pseudo-headers
# what a browser sends on its own: dropped without a note
_BROWSER_HEADERS = frozenset(
    {
        "accept",
        "accept-encoding",
        "accept-language",
        "cache-control",
        "connection",
        "content-length",
        "dnt",
        "host",
        "origin",
        "pragma",
        "priority",
        "referer",
        "te",
        "upgrade-insecure-requests",
        "user-agent",
    }
)
_MIN_TEXT = 4  # shorter strings are too common to be told apart from a coincidence
_ID_KEY = re.compile(r"(^|[_-])(id|token|key|uuid|session|code)$|[a-z](Id|ID|Token|Key|Uuid)$")


@dataclass
class ImportedJourney:
    """A scenario's journey keys (``vars``, ``steps``) and what the import says about them."""

    steps: list[dict[str, Any]]
    variables: dict[str, str] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    origin: str = ""
    duration_seconds: float = 0.0

    def journey(self) -> dict[str, Any]:
        """The keys that go under ``scenarios.NAME`` (what ``parse_journey`` reads)."""
        return {**({"vars": dict(self.variables)} if self.variables else {}), "steps": self.steps}


def import_har(
    entries: list[dict[str, Any]],
    source: str,
    *,
    origin: str | None = None,
    keep_static: bool = False,
) -> ImportedJourney:
    """The journey of a HAR's entries; ``InputError`` when no request is left to import."""
    parsed = [parse_entry(raw, index, source) for index, raw in enumerate(entries)]
    parsed.sort(key=lambda entry: (entry.started, entry.index))
    if origin is not None:
        origin = origin.rstrip("/")
    left_out: list[str] = []
    kept: list[Entry] = []
    for entry in parsed:
        static = static_reason(entry)
        if static and not keep_static:
            left_out.append(f"{entry.method} {entry.url} (static asset: {static})")
            continue
        if origin is None:
            origin = entry.origin
        if entry.origin != origin:
            left_out.append(f"{entry.method} {entry.url} (another origin)")
            continue
        kept.append(entry)
    if not kept:
        raise InputError(f"{source}: log.entries: no request left to import (all left out)")
    imported = ImportedJourney(steps=[], left_out=left_out, origin=origin or "")
    imported.duration_seconds = max(kept[-1].ended - kept[0].started, 0.0)
    _Builder(kept, imported).build()
    return imported


def _leaves(value: Any, path: str = "") -> list[tuple[str, Any]]:
    """(JMESPath, value) of every string and whole-number leaf of a JSON document."""
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            name = key if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) else json.dumps(key)
            found += _leaves(item, f"{path}.{name}" if path else name)
        return found
    if isinstance(value, list):
        return [pair for i, item in enumerate(value) for pair in _leaves(item, f"{path}[{i}]")]
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int | str):
        return [(path or "@", value)]
    return []


def _worth_capturing(path: str, value: Any) -> bool:
    """An id or a token: a value named like one, or a long text without spaces.

    Titles, dates and small numbers that happen to recur stay literal.
    """
    key = re.sub(r"\[\d+\]$", "", path).rsplit(".", 1)[-1]
    named = bool(_ID_KEY.search(key) or _ID_KEY.search(key.lower()))
    if isinstance(value, str):
        return len(value) >= _MIN_TEXT and (named or (len(value) >= 16 and " " not in value))
    return named


class _Builder:
    """Walks the kept entries once, finding captures as it goes."""

    def __init__(self, entries: list[Entry], out: ImportedJourney) -> None:
        self.entries = entries
        self.out = out
        # (step index, JMESPath) of a captured value -> its variable
        self.captured: dict[tuple[int, str], str] = {}
        self.authorized: dict[str, list[int]] = {}  # variable -> steps whose Authorization sends it
        self.dropped: set[str] = set()  # header names neither kept nor a browser's own
        self.offered: list[tuple[int, str, Any]] = []  # (step index, JMESPath, value)

    def build(self) -> None:
        for position, entry in enumerate(self.entries):
            step = self._step(position, entry)
            self.out.steps.append(step)
            if entry.response is not None:
                self.offered += [
                    (position, path, value)
                    for path, value in _leaves(entry.response)
                    if _worth_capturing(path, value)
                ]
        for variable, steps in self.authorized.items():
            self.out.notes.append(
                f"Authorization of step{'s' if len(steps) > 1 else ''} "
                f"{', '.join(map(str, steps))} sends {{{variable}}}, captured from an earlier "
                "response (the recorded value was not written)"
            )
        if self.dropped:
            self.out.notes.append(
                f"headers not kept (values not written): {', '.join(sorted(self.dropped))}; "
                "add them under headers: if the service needs them"
            )
        for position, entry in enumerate(self.entries[:-1]):
            gap = self.entries[position + 1].started - entry.ended
            if gap >= 0.05:
                self.out.steps[position]["think_seconds"] = round(gap, 1)

    def _step(self, position: int, entry: Entry) -> dict[str, Any]:
        step: dict[str, Any] = {"request": f"{entry.method} {self._path(entry.path, position)}"}
        headers = self._headers(position, entry)
        if headers:
            step["headers"] = headers
        repeated = {key for key, _ in entry.query if sum(k == key for k, _ in entry.query) > 1}
        if repeated:
            self.out.notes.append(
                f"step {position + 1}: query keys repeated ({', '.join(sorted(repeated))}): "
                "the last value of each is kept"
            )
        if entry.query:
            step["query"] = {
                key: self._text(value, position, _snake(key)) for key, value in entry.query
            }
        if entry.body is not None:
            step["json"] = self._json(entry.body, position)
        if entry.body_note:
            self.out.notes.append(
                f"step {position + 1} ({entry.method} {entry.path}): {entry.body_note}"
            )
        step["expect"] = {"status": entry.status} if entry.status else {}
        if not step["expect"]:
            del step["expect"]
        return step

    def _headers(self, position: int, entry: Entry) -> dict[str, str]:
        headers = {}
        for name in entry.headers:
            if not (name in _KEPT_HEADERS or name in _BROWSER_HEADERS or name[:4] in _PREFIXES):
                self.dropped.add(name)
        authorization = entry.headers.get("authorization")
        if authorization:
            scheme, _, credential = authorization.partition(" ")
            if not credential:
                scheme, credential = "", authorization
            variable = self._variable_for(credential, position)
            if variable is None:
                variable = _SECRET_VARIABLE
                if variable not in self.out.variables:
                    self.out.variables[variable] = "FILL IN"
                    self.out.notes.append(
                        f"step {position + 1}: the recorded Authorization value was not "
                        f"written; set vars.{variable} (sent as "
                        f"'{(scheme + ' ') if scheme else ''}{{{variable}}}')"
                    )
            else:
                self.authorized.setdefault(variable, []).append(position + 1)
            headers["Authorization"] = f"{scheme} {{{variable}}}" if scheme else f"{{{variable}}}"
        content_type = entry.headers.get("content-type", "")
        if entry.body is not None and content_type.split(";")[0].strip() != "application/json":
            headers["Content-Type"] = content_type
        return headers

    def _json(self, value: Any, position: int, hint: str | None = None) -> Any:
        if isinstance(value, dict):
            return {key: self._json(item, position, _snake(key)) for key, item in value.items()}
        if isinstance(value, list):
            return [self._json(item, position, hint) for item in value]
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int | str):
            variable = self._variable_for(value, position, hint)
            if variable is not None:
                return f"{{{variable}}}"
        if isinstance(value, str):
            return _escape(value)
        return value

    def _path(self, path: str, position: int) -> str:
        """The path with each segment an earlier response gave as ``{variable}``."""
        segments = [unquote(part) for part in path.split("/")]
        shown = []
        for index, segment in enumerate(segments):
            before = segments[index - 1] if index else ""
            hint = (
                f"{_singular(_snake(before))}_id" if re.fullmatch(r"[A-Za-z_-]+", before) else None
            )
            shown.append(self._text(segment, position, hint))
        return "/".join(shown)

    def _text(self, value: str, position: int, hint: str | None) -> str:
        """A path segment or query value: ``{variable}`` when captured, else the text."""
        if value:
            variable = self._variable_for(value, position, hint)
            if variable is not None:
                return f"{{{variable}}}"
        return _escape(value)

    def _variable_for(self, value: Any, position: int, hint: str | None = None) -> str | None:
        """The variable of an earlier response's equal value (captured on first use), or None.

        A number (or a text of digits) is only taken from a value whose name matches the
        ``hint`` (``trip_id`` for the segment after ``/trips/``, a body key ``trip_id``):
        small numbers recur by chance. A long text (a token) is taken from any response.
        Among candidates, a value already captured and then the latest response win.
        """
        text = str(value)
        numeric = isinstance(value, int) or text.isdigit()
        best: tuple[tuple[int, int, int], int, str] | None = None
        for step_index, path, offered in self.offered:
            if step_index >= position or str(offered) != text:
                continue
            if isinstance(value, int) and not isinstance(offered, int):
                continue
            base = self._base_name(path, step_index)
            if numeric and base != hint:
                continue
            captured = (step_index, path) in self.captured
            score = (int(base == hint), int(captured), step_index)
            if best is None or score > best[0]:
                best = (score, step_index, path)
        if best is None:
            return None
        _, step_index, path = best
        if (step_index, path) not in self.captured:
            variable = self._unique(self._base_name(path, step_index))
            self.out.steps[step_index].setdefault("capture", {})[variable] = path
            self.captured[(step_index, path)] = variable
        return self.captured[(step_index, path)]

    def _base_name(self, path: str, step_index: int) -> str:
        """The variable a value at ``path`` of a step's response is named after."""
        parts = [part for part in re.split(r"[.\[\]]+", path) if part and not part.isdigit()]
        last = parts[-1].strip('"') if parts else "value"
        if last.lower() == "id":
            owner = parts[-2] if len(parts) > 1 else self._resource(step_index)
            return f"{_singular(_snake(owner))}_id"
        name = _snake(last)
        return name if re.match(r"[a-z_]", name) else f"v_{name}"

    def _unique(self, name: str) -> str:
        taken = set(self.captured.values()) | set(self.out.variables) | _BUILTINS
        candidate, number = name, 2
        while candidate in taken:
            candidate, number = f"{name}_{number}", number + 1
        return candidate

    def _resource(self, step_index: int) -> str:
        """The last plain segment of a step's path: 'plans' for POST /trips/3/plans."""
        segments = [s for s in self.entries[step_index].path.split("/") if s]
        words = [s for s in segments if re.fullmatch(r"[A-Za-z_-]+", s)]
        return words[-1].replace("-", "_") if words else "item"


def _snake(name: str) -> str:
    """``tripId`` and ``trip-id`` as ``trip_id``."""
    return re.sub(r"\W", "_", re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)).lower()


def _singular(word: str) -> str:
    """``trips`` -> ``trip``, ``categories`` -> ``category`` (plain English plurals only)."""
    if word.endswith("ies") and len(word) > 3:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 1:
        return word[:-1]
    return word


def _escape(text: str) -> str:
    """Recorded text where braces are literal: ``{`` and ``}`` doubled (template syntax)."""
    return text.replace("{", "{{").replace("}", "}}")
