"""What a journey step needs from an HTTP client, whichever tool drives it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

# A body check returns None when the body has the right shape, or the reason it has not.
BodyCheck = Callable[[Any], "str | None"]


class StepFailed(Exception):
    """A journey step got a wrong status or body; the journey stops there."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Client(Protocol):
    """Sends one request, checks it, records it under ``name``, returns the JSON body.

    Raises ``StepFailed`` (after recording the failure with its reason) when the status
    is not ``expect`` or ``check`` returns a reason.
    """

    def call(
        self,
        method: str,
        path: str,
        *,
        name: str,
        expect: int,
        token: str | None = None,
        body: object = None,
        check: BodyCheck | None = None,
    ) -> Any: ...


def verdict(
    method: str,
    name: str,
    status: int,
    expect: int,
    payload: Any,
    check: BodyCheck | None,
    error: str | None = None,
) -> str | None:
    """The failure reason for one response, or None when it is what the step expects."""
    if error and status == 0:
        return f"{method} {name}: {error}"
    if status != expect:
        detail = payload.get("error") if isinstance(payload, dict) else None
        suffix = f" ({detail})" if detail else ""
        return f"{method} {name}: expected {expect}, got {status}{suffix}"
    if error:
        return f"{method} {name}: {error}"
    if check is not None:
        reason = check(payload)
        if reason:
            return f"{method} {name}: {reason}"
    return None
