"""The service's refusal of a request (command-line mistakes are ``stairload.core.errors``)."""

from __future__ import annotations


class ApiError(Exception):
    """An HTTP request the service refuses: answered with ``status`` and ``{"error": message}``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
