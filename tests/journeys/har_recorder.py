"""A small HAR 1.2 recorder: real requests over http.client, each written down as a browser would.

Not a browser: it records what it sent and what it got (headers, bodies, times), including
the headers a browser adds (User-Agent, Accept, Cookie), so an import has to drop them.
"""

from __future__ import annotations

import http.client
import json
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

BROWSER_HEADERS = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) har-recorder/1.0",
    "Accept": "application/json, text/plain, */*",
    "Cookie": "session=recorded-cookie-value",
}


class HarRecorder:
    """Send requests and keep each one as a HAR entry; ``har()`` is the whole document."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    def send(
        self,
        url: str,
        method: str = "GET",
        *,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        """Send one request; return (status, decoded JSON or the raw bytes)."""
        if query:
            url = f"{url}?{urlencode(query)}"
        parts = urlsplit(url)
        sent = {**BROWSER_HEADERS, **(headers or {})}
        data = None
        if json_body is not None:
            data = json.dumps(json_body).encode()
            sent["Content-Type"] = "application/json"
        started = datetime.now(UTC)
        clock = time.perf_counter()
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        try:
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            connection.request(method, target, body=data, headers=sent)
            response = connection.getresponse()
            payload = response.read()
            response_headers = response.getheaders()
            status, reason = response.status, response.reason
        finally:
            connection.close()
        elapsed_ms = (time.perf_counter() - clock) * 1000
        mime = dict((k.lower(), v) for k, v in response_headers).get("content-type", "")
        self.entries.append(
            {
                "startedDateTime": started.isoformat().replace("+00:00", "Z"),
                "time": round(elapsed_ms, 3),
                "request": {
                    "method": method,
                    "url": url,
                    "httpVersion": "HTTP/1.1",
                    "cookies": [],
                    "headers": [{"name": k, "value": v} for k, v in sent.items()],
                    "queryString": [{"name": k, "value": v} for k, v in (query or {}).items()],
                    **(
                        {"postData": {"mimeType": "application/json", "text": data.decode()}}
                        if data is not None
                        else {}
                    ),
                    "headersSize": -1,
                    "bodySize": len(data or b""),
                },
                "response": {
                    "status": status,
                    "statusText": reason,
                    "httpVersion": "HTTP/1.1",
                    "cookies": [],
                    "headers": [{"name": k, "value": v} for k, v in response_headers],
                    "content": {"size": len(payload), "mimeType": mime, **_text(payload, mime)},
                    "redirectURL": "",
                    "headersSize": -1,
                    "bodySize": len(payload),
                },
                "cache": {},
                "timings": {"send": 0, "wait": round(elapsed_ms, 3), "receive": 0},
            }
        )
        if "json" in mime and payload:
            return status, json.loads(payload)
        return status, payload

    def har(self) -> dict[str, Any]:
        """The HAR 1.2 document of every request sent so far."""
        return {
            "log": {
                "version": "1.2",
                "creator": {"name": "har_recorder", "version": "1.0"},
                "entries": self.entries,
            }
        }


def _text(payload: bytes, mime: str) -> dict[str, str]:
    if mime.startswith(("image/", "font/")):
        import base64

        return {"text": base64.b64encode(payload).decode(), "encoding": "base64"}
    return {"text": payload.decode("utf-8", "replace")}
