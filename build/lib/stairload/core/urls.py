"""The one check of an http(s) URL the project is given, and how a URL may be shown.

A target's base URL (``--host``) is written to run.json, the console and the report, so a
problem shows it with any credentials redacted. A webhook URL is a secret: a problem
about it shows no part of it but its scheme.
"""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit


def redacted(url: str) -> str:
    """``url`` with any user name and password replaced by ``***``: safe to print or write."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, path = rest.partition("/")
    if "@" not in authority:
        return url
    return f"{scheme}://***@{authority.rpartition('@')[2]}{slash}{path}"


def url_problem(url: str, *, secret: bool = False, credentials: bool = False) -> str | None:
    """Why ``url`` is not an http(s) URL with a host, no credentials and no query, or None.

    The answer shows ``url`` with credentials redacted; for a ``secret`` URL (a webhook)
    it shows nothing of it but the scheme. Credentials are refused unless ``credentials``
    (a caller that sends them as basic auth, e.g. ``targetcpu.PrometheusCpu``): Locust would
    not send them, and a webhook post through ``urllib`` would fail on them.
    """
    got = "" if secret else f" (got {redacted(url)!r})"
    if any(ord(char) <= 0x20 or ord(char) == 0x7F for char in url):
        return f"must not contain spaces or control characters{got}"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (urlsplit checks the port only when it is read)
    except ValueError:
        return f"is not a valid URL{got}"
    if parts.scheme not in ("http", "https"):
        if secret:
            return _not_http(parts)
        return f"must be an http(s) URL such as http://127.0.0.1:8080{got}"
    if not parts.hostname:
        return f"must name a host{got}"
    if not credentials and (parts.username is not None or parts.password is not None):
        return f"must not contain a user name or password{got}"
    if not secret and ("?" in url or "#" in url):
        # a token in a query is a secret too: show only what comes before it
        before = redacted(url.split("?", 1)[0].split("#", 1)[0])
        return (
            "must not carry a query string or fragment ('?...', '#...'): every request "
            "path would be appended after it, and it would be written to run.json and the "
            f"reports; send a token as a header (scenarios.yaml headers:) (got {before!r})"
        )
    return None


def _not_http(parts: SplitResult) -> str:
    """The scheme problem of a secret URL: only a short, plain scheme is shown."""
    if not parts.scheme:
        return "must be an http:// or https:// URL (no scheme)"
    scheme = parts.scheme if parts.scheme.isalnum() and len(parts.scheme) <= 16 else "?"
    return f"must be an http:// or https:// URL (got scheme {scheme!r})"
