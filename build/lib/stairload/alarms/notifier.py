"""Posting Slack payloads to a webhook without ever blocking the load test.

``WebhookNotifier.notify`` only puts the payload on a queue; a background thread posts
it (timeout per post, retries with backoff). Under gevent's monkey-patching the thread,
queue, sleep and socket are cooperative, so the same code runs unchanged on the Locust
master. A failed post is logged as one line and dropped. The webhook URL is a secret:
it is never logged, never put in an exception message, never written to a file.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any, Protocol

from stairload.core.errors import UsageError
from stairload.core.urls import url_problem

LOG = logging.getLogger("stairload.alarms")

_STOP = object()


class Notifier(Protocol):
    """Anything that takes Slack payloads and can be closed."""

    def notify(self, payload: Mapping[str, Any]) -> None: ...

    def close(self) -> None: ...


class WebhookMissingError(UsageError):
    """Posting was asked for, but the webhook environment variable is empty."""


class WebhookUrlError(UsageError):
    """The webhook variable holds something that is not an http(s) URL (never shown)."""


class PostError(Exception):
    """One webhook post failed; the message never contains the URL."""


def post_json(url: str, payload: Mapping[str, Any], timeout_seconds: float) -> None:
    """POST ``payload`` as JSON; raise ``PostError`` (URL-free) on anything but a 2xx.

    Only http and https URLs are ever opened: anything else fails before any attempt.
    """
    problem = url_problem(url, secret=True)
    if problem:
        raise PostError(f"not attempted: the webhook URL {problem}")
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_seconds) as response:
            response.read()
    except urllib.error.HTTPError as error:
        raise PostError(f"HTTP {error.code}") from None
    except urllib.error.URLError as error:
        reason = _reason(error.reason).replace(url, "<webhook URL>")
        raise PostError(f"cannot connect ({reason})") from None
    except (OSError, ValueError) as error:
        raise PostError(error.__class__.__name__) from None


def webhook_url(env_name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The webhook URL from the environment variable ``env_name``, or None when unset/empty."""
    value = (os.environ if environ is None else environ).get(env_name, "").strip()
    return value or None


def require_webhook_url(env_name: str, environ: Mapping[str, str] | None = None) -> str:
    """Like ``webhook_url``, but a missing or malformed URL is a user error (never shown)."""
    url = webhook_url(env_name, environ)
    if url is None:
        raise WebhookMissingError(f"environment variable {env_name} is not set; nothing was posted")
    problem = url_problem(url, secret=True)
    if problem:
        raise WebhookUrlError(f"environment variable {env_name}: {problem}; nothing was posted")
    return url


class WebhookNotifier:
    """Posts payloads in the background, in order; ``close()`` drains the queue (bounded)."""

    def __init__(
        self,
        url: str,
        *,
        timeout_seconds: float = 5.0,
        attempts: int = 3,
        backoff_seconds: float = 0.5,
        max_queued: int = 100,
    ) -> None:
        self._url = url
        self._timeout_seconds = timeout_seconds
        self._attempts = attempts
        self._backoff_seconds = backoff_seconds
        self._queue: queue.Queue[object] = queue.Queue(maxsize=max_queued)
        self._thread = threading.Thread(target=self._run, name="alarm-webhook", daemon=True)
        self._thread.start()
        self.sent = 0
        self.failed = 0

    def __repr__(self) -> str:
        return f"WebhookNotifier(sent={self.sent}, failed={self.failed})"

    def notify(self, payload: Mapping[str, Any]) -> None:
        """Queue ``payload`` for posting; never blocks, never raises."""
        try:
            self._queue.put_nowait(payload)
        except queue.Full:
            self.failed += 1
            LOG.warning("alarm webhook queue is full; message dropped")

    def close(self, timeout_seconds: float = 10.0) -> None:
        """Post what is queued, waiting at most ``timeout_seconds``, then stop."""
        try:
            self._queue.put(_STOP, timeout=timeout_seconds)
        except queue.Full:
            LOG.warning("alarm webhook queue did not drain; messages dropped")
            return
        self._thread.join(timeout_seconds)
        if self._thread.is_alive():
            LOG.warning("alarm webhook still busy after %.0f s; messages dropped", timeout_seconds)

    def _run(self) -> None:
        while True:
            payload = self._queue.get()
            if payload is _STOP:
                return
            assert isinstance(payload, Mapping)
            self._post_with_retries(payload)

    def _post_with_retries(self, payload: Mapping[str, Any]) -> None:
        for attempt in range(1, self._attempts + 1):
            try:
                post_json(self._url, payload, self._timeout_seconds)
            except PostError as error:
                if attempt == self._attempts:
                    self.failed += 1
                    LOG.warning("alarm webhook post failed after %d attempts: %s", attempt, error)
                    return
                time.sleep(self._backoff_seconds * 2 ** (attempt - 1))
            else:
                self.sent += 1
                return


def _reason(reason: object) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return reason.__class__.__name__ if isinstance(reason, BaseException) else str(reason)
