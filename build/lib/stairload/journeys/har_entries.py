"""A HAR 1.2 file read into entries: the request, the response, their times (``Entry``).

``read_har`` checks the document's shape and ``parse_entry`` each entry's, each mistake
one ``InputError`` naming the file and the field; ``static_reason`` says why an entry is
a static asset (its MIME type or its path's extension). ``stairload.journeys.har`` turns
the entries into steps.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from stairload.core.errors import InputError

STATIC_EXTENSIONS = frozenset(
    [
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".svg",
        ".ico",
        ".webp",
        ".avif",
        ".bmp",
        ".css",
        ".js",
        ".mjs",
        ".map",
        ".woff",
        ".woff2",
        ".ttf",
        ".otf",
        ".eot",
    ]
)
_STATIC_MIME = re.compile(
    r"^(image/|font/|text/css|(application|text)/(x-)?javascript|application/(x-)?font)"
)
JSON_MIME = re.compile(r"^application/([\w.+-]*\+)?json\b")


@dataclass(frozen=True)
class Entry:
    """One recorded request and its answer; bodies decoded when they are JSON."""

    index: int
    method: str
    url: str
    origin: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]  # lower-case names
    body: Any  # the decoded JSON body, or None
    body_note: str | None
    status: int
    response: Any  # the decoded JSON response, or None
    mime: str
    started: float
    ended: float


def read_har(text: str, source: str) -> list[dict[str, Any]]:
    """``log.entries`` of a HAR document; ``InputError`` naming the file and field when not."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"{source}: not JSON (line {error.lineno}: {error.msg})") from None
    log = document.get("log") if isinstance(document, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise InputError(f"{source}: log.entries: missing (not a HAR file)")
    return entries


def parse_entry(raw: Any, index: int, source: str) -> Entry:
    """One ``log.entries`` item; ``InputError`` naming the field when it is not usable."""
    where = f"{source}: log.entries[{index}]"
    if not isinstance(raw, dict):
        raise InputError(f"{where}: must be a mapping")
    request, response = raw.get("request"), raw.get("response")
    if not isinstance(request, dict) or not isinstance(response, dict):
        raise InputError(f"{where}: request and response: missing")
    method, url = request.get("method"), request.get("url")
    if not isinstance(method, str) or not isinstance(url, str):
        raise InputError(f"{where}.request: method and url: missing")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"{where}.request.url: must be an http(s) URL (got {url!r})")
    started = _started(raw.get("startedDateTime"), f"{where}.startedDateTime")
    time_ms = raw.get("time")
    duration = float(time_ms) / 1000 if isinstance(time_ms, int | float) and time_ms > 0 else 0.0
    headers = {
        str(header.get("name", "")).lower(): str(header.get("value", ""))
        for header in request.get("headers") or ()
        if isinstance(header, dict)
    }
    body, body_note = _request_body(request.get("postData"), headers)
    content = response.get("content") if isinstance(response.get("content"), dict) else {}
    mime = str(content.get("mimeType") or "").lower()
    status = response.get("status")
    return Entry(
        index=index,
        method=method.upper(),
        url=url,
        origin=f"{parts.scheme}://{parts.netloc}",
        path=parts.path or "/",
        query=parse_qsl(parts.query, keep_blank_values=True),
        headers=headers,
        body=body,
        body_note=body_note,
        status=status if isinstance(status, int) else 0,
        response=_json_content(content, mime),
        mime=mime,
        started=started,
        ended=started + duration,
    )


def _started(value: Any, where: str) -> float:
    if not isinstance(value, str):
        raise InputError(f"{where}: missing")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise InputError(f"{where}: not an ISO 8601 time (got {value!r})") from None


def _request_body(post: Any, headers: dict[str, str]) -> tuple[Any, str | None]:
    if not isinstance(post, dict) or not post.get("text"):
        return None, None
    mime = str(post.get("mimeType") or headers.get("content-type") or "").lower()
    if JSON_MIME.match(mime):
        try:
            return json.loads(post["text"]), None
        except json.JSONDecodeError:
            return None, "its body is not valid JSON and was not carried over"
    return None, f"its {mime or 'untyped'} body was not carried over (only JSON bodies are)"


def _json_content(content: dict[str, Any], mime: str) -> Any:
    text = content.get("text")
    if not isinstance(text, str) or not JSON_MIME.match(mime) or content.get("encoding"):
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


def static_reason(entry: Entry) -> str | None:
    """Why an entry is a static asset (its MIME type or extension), or None."""
    if _STATIC_MIME.match(entry.mime):
        return entry.mime.split(";")[0]
    name = entry.path.rsplit("/", 1)[-1]
    extension = name[name.rfind(".") :].lower() if "." in name else ""
    return f"*{extension}" if extension in STATIC_EXTENSIONS else None
