"""Password hashes and bearer tokens.

Passwords: salted SHA-256 (16-byte per-user salt, one hash). Journeys log in on every
iteration, so a check must cost microseconds, not the ~50 ms of a production-grade
PBKDF2 (600,000 rounds); this is a load-test target holding synthetic passwords only.

Tokens: ``<user_id>.<nonce>.<HMAC-SHA256(secret, user_id.nonce)>``, checked without a
database read, so every worker process can verify tokens issued by any other one. The
secret is new at every start (stored in the database's meta table for the workers).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

_SCHEME = "sha256"


def hash_password(password: str, salt: bytes) -> str:
    """Return ``sha256$<salt hex>$<digest hex>`` for a password and a salt."""
    digest = hashlib.sha256(salt + password.encode()).hexdigest()
    return f"{_SCHEME}${salt.hex()}${digest}"


def check_password(password: str, stored_hash: str) -> bool:
    """Tell whether a password matches a hash made by hash_password (constant time)."""
    scheme, _, rest = stored_hash.partition("$")
    salt_hex, _, digest = rest.partition("$")
    if scheme != _SCHEME or not digest:
        return False
    candidate = hashlib.sha256(bytes.fromhex(salt_hex) + password.encode()).hexdigest()
    return hmac.compare_digest(candidate, digest)


def issue_token(secret: bytes, user_id: int) -> str:
    """Return a new bearer token for a user, signed with the server's secret."""
    payload = f"{user_id}.{secrets.token_hex(8)}"
    return f"{payload}.{_sign(secret, payload)}"


def user_id_from_token(secret: bytes, token: str) -> int | None:
    """Return the user id a token was issued for, or None if it is malformed or forged."""
    payload, _, signature = token.rpartition(".")
    user_part, _, nonce = payload.partition(".")
    if not (user_part.isascii() and user_part.isdigit() and nonce and len(user_part) < 19):
        return None
    if not hmac.compare_digest(_sign(secret, payload), signature):
        return None
    return int(user_part)


def _sign(secret: bytes, payload: str) -> str:
    return hmac.new(secret, payload.encode(), hashlib.sha256).hexdigest()
