"""stairload.core.urls: one check for a target's base URL and a webhook URL, which is a secret."""

from __future__ import annotations

import pytest

from stairload.core.urls import redacted, url_problem

# (url, problem as a base URL, problem as a secret URL)
BAD_URLS = [
    (
        "ftp://h.example/x",
        "must be an http(s) URL such as http://127.0.0.1:8080 (got 'ftp://h.example/x')",
        "must be an http:// or https:// URL (got scheme 'ftp')",
    ),
    (
        "h.example/x",
        "must be an http(s) URL such as http://127.0.0.1:8080 (got 'h.example/x')",
        "must be an http:// or https:// URL (no scheme)",
    ),
    (
        "http://h.example/a b",
        "must not contain spaces or control characters (got 'http://h.example/a b')",
        "must not contain spaces or control characters",
    ),
    (
        "http://h.example:port/x",
        "is not a valid URL (got 'http://h.example:port/x')",
        "is not a valid URL",
    ),
    ("http:///x", "must name a host (got 'http:///x')", "must name a host"),
    (
        "https://user:pw@h.example/x",
        "must not contain a user name or password (got 'https://***@h.example/x')",
        "must not contain a user name or password",
    ),
]


@pytest.mark.parametrize(("url", "public", "secret"), BAD_URLS)
def test_a_bad_url_gets_the_same_check_shown_two_ways(url: str, public: str, secret: str) -> None:
    """A base URL is shown redacted; a secret URL is not shown at all (only its scheme)."""
    assert (url_problem(url), url_problem(url, secret=True)) == (public, secret)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "https://hooks.example/services/T0/B0/x"])
def test_an_http_url_with_a_host_has_no_problem(url: str) -> None:
    """http and https URLs with a host pass, secret or not."""
    assert (url_problem(url), url_problem(url, secret=True)) == (None, None)


def test_redacted_hides_user_and_password() -> None:
    """Credentials become *** and the rest of the URL stays."""
    assert redacted("http://u:p@h.example:8/x") == "http://***@h.example:8/x"
