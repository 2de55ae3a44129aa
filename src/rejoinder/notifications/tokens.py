"""Signed unsubscribe tokens: the account and the day they were made, with an HMAC.

No sign-in is needed to use one (RFC 8058 one-click comes from the mail client), so the
token itself is the proof; it keeps working for ``[mail] unsubscribe_days`` (months, not a
week), and it only ever turns mail off.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

DAY = 86400


def _sign(secret: str, payload: str) -> str:
    mac = hmac.new(secret.encode(), b"unsubscribe:" + payload.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:18]).decode().rstrip("=")


def make_token(secret: str, account_id: int, now: datetime) -> str:
    payload = f"{account_id}.{int(now.timestamp()) // DAY}"
    return f"{payload}.{_sign(secret, payload)}"


def read_token(secret: str, token: str, now: datetime, *, valid_days: int) -> int | None:
    """The account id, or None for a forged, damaged or expired token."""
    parts = token.split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts[:2]) or len(token) > 80:
        return None
    payload = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(_sign(secret, payload), parts[2]):
        return None
    age = int(now.timestamp()) // DAY - int(parts[1])
    if age < 0 or age > valid_days:
        return None
    return int(parts[0])
