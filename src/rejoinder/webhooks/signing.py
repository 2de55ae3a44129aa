"""Standard Webhooks signatures, made by the ``standardwebhooks`` package itself.

``webhook-signature`` is ``v1,`` + base64(HMAC-SHA256(secret, f"{id}.{timestamp}.{body}")),
one per secret, space-separated: during a rotation both the new and the previous secret
sign, so a receiver holding either verifies.
"""

from __future__ import annotations

import base64
import secrets as random
from collections.abc import Sequence
from datetime import datetime

from standardwebhooks.webhooks import Webhook

from rejoinder import __version__

PREFIX = "whsec_"
USER_AGENT = f"Rejoinder-Webhooks/{__version__}"


def new_secret() -> str:
    """A fresh signing secret: ``whsec_`` + base64 of 32 random bytes."""
    return PREFIX + base64.b64encode(random.token_bytes(32)).decode()


def headers(webhook_id: str, at: datetime, body: str, secrets: Sequence[str]) -> dict[str, str]:
    """The request headers of one attempt; ``at`` is the signing moment (whole seconds)."""
    signatures = [
        Webhook(secret).sign(msg_id=webhook_id, timestamp=at, data=body) for secret in secrets
    ]
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(signatures),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }
