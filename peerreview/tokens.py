"""Signed, expiring, single-use links for password reset and account activation.

A token carries the user id and a fingerprint of the account's current password hash and e-mail.
Using the token changes the password hash, so the fingerprint no longer matches: the link works
once. No table is needed, and a password change elsewhere also voids outstanding links.
"""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta
from enum import StrEnum

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner

#: The clock the signer reads; tests replace it to travel in time.
clock = time.time


class Purpose(StrEnum):
    reset_password = "reset-password"  # noqa: S105 (a purpose, not a secret)
    activate = "activate"


class TokenError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  #: "invalid", "expired" or "used"


class _Signer(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(clock())


def _serializer(secret_key: str, purpose: Purpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=f"peerreview.{purpose}", signer=_Signer)


def fingerprint(password_hash: str | None, email: str, issued: str = "") -> str:
    """``issued`` marks the latest link of its kind (the invitation time), so a newer link voids older ones."""
    return hashlib.sha256(f"{password_hash or '-'}|{email}|{issued}".encode()).hexdigest()[:16]


def make_token(
    secret_key: str, purpose: Purpose, user_id: int, password_hash: str | None, email: str, issued: str = ""
) -> str:
    return _serializer(secret_key, purpose).dumps({"u": user_id, "f": fingerprint(password_hash, email, issued)})


def read_token(secret_key: str, purpose: Purpose, token: str, max_age: timedelta) -> tuple[int, str]:
    """Return ``(user_id, fingerprint)`` or raise ``TokenError('invalid'|'expired')``.

    The caller compares the fingerprint with the user's current one (``'used'`` if it differs).
    """
    try:
        data = _serializer(secret_key, purpose).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired:
        raise TokenError("expired") from None
    except BadSignature:
        raise TokenError("invalid") from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("f"), str):
        raise TokenError("invalid")
    return data["u"], data["f"]
