"""The durable consumer: each webhook event becomes one delivery row per subscribed endpoint.

It runs in the relay's transaction that moves its position (``events.relay``), so an event
gets its delivery rows exactly once, however the process dies. The body is built here, once:
every attempt sends the same bytes under the same ``webhook-id``.
"""

from __future__ import annotations

import msgspec
from sqlalchemy import bindparam, insert, select, true

from rejoinder.events.base import Event
from rejoinder.kernel.clock import Clock
from rejoinder.storage.database import Transaction
from rejoinder.storage.statements import defined
from rejoinder.webhooks.mapping import payload_for
from rejoinder.webhooks.models import webhook_deliveries, webhook_endpoints

NAME = "webhooks"
SUBSCRIBED = defined(
    select(webhook_endpoints.c.id, webhook_endpoints.c.events).where(
        webhook_endpoints.c.enabled == true()
    )
)
INSERT = defined(
    insert(webhook_deliveries).values(
        endpoint_id=bindparam("endpoint_id"),
        event_id=bindparam("event_id"),
        event_type=bindparam("event_type"),
        webhook_id=bindparam("webhook_id"),
        payload=bindparam("payload"),
        status="pending",
        attempts=0,
        next_attempt_at=bindparam("now"),
        created_at=bindparam("now"),
    )
)
_encode = msgspec.json.Encoder().encode
_events = msgspec.json.Decoder(list[str]).decode


def webhook_id(event_id: int, endpoint_id: int) -> str:
    """Stable for an event and an endpoint: receivers de-duplicate retries by it."""
    return f"msg_{event_id}_{endpoint_id}"


class WebhookConsumer:
    name = NAME

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def apply(self, tx: Transaction, event_id: int, event: Event) -> None:
        now = self._clock.now()
        payload = payload_for(event, now)
        if payload is None:
            return
        kind: str = payload.type  # type: ignore[attr-defined]
        endpoints = (await tx.conn.execute(SUBSCRIBED)).all()
        targets = [row.id for row in endpoints if kind in _events(row.events)]
        if not targets:
            return
        body = _encode(payload).decode()
        rows = [
            {
                "endpoint_id": endpoint_id,
                "event_id": event_id,
                "event_type": kind,
                "webhook_id": webhook_id(event_id, endpoint_id),
                "payload": body,
                "now": now,
            }
            for endpoint_id in targets
        ]
        await tx.conn.execute(INSERT, rows)
