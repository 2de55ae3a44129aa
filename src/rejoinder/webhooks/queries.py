"""The read side of webhooks: endpoints and their deliveries, as the admin API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import bindparam, func, select

from rejoinder.kernel.errors import NotFound
from rejoinder.storage.database import Connection
from rejoinder.storage.statements import defined
from rejoinder.webhooks.models import webhook_deliveries as d
from rejoinder.webhooks.models import webhook_endpoints as e
from rejoinder.webhooks.schemas import DeliveryList, DeliveryView, WebhookView

_pending = (
    select(func.count())
    .where(d.c.endpoint_id == e.c.id, d.c.status == "pending")
    .scalar_subquery()
    .label("pending")
)
_COLUMNS = (*(c for c in e.c if c.name not in {"secret", "previous_secret"}), _pending)
ENDPOINTS = defined(select(*_COLUMNS).order_by(e.c.id))
ENDPOINT = defined(select(*_COLUMNS).where(e.c.id == bindparam("endpoint_id")))
DELIVERIES = defined(
    select(d)
    .where(d.c.endpoint_id == bindparam("endpoint_id"), d.c.id < bindparam("before"))
    .order_by(d.c.id.desc())
    .limit(bindparam("size"))
)
DELIVERY = defined(
    select(d).where(d.c.endpoint_id == bindparam("endpoint_id"), d.c.id == bindparam("delivery_id"))
)
_events = msgspec.json.Decoder(list[str]).decode


def endpoint_view(row: Any, now: datetime) -> WebhookView:
    expires = row.previous_expires_at
    return WebhookView(
        id=row.id,
        url=row.url,
        events=_events(row.events),
        description=row.description,
        enabled=bool(row.enabled),
        disabled_reason=row.disabled_reason,
        disabled_at=row.disabled_at,
        failing_since=row.failing_since,
        previous_secret_expires_at=expires if expires is not None and expires > now else None,
        pending_deliveries=int(row.pending or 0),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def delivery_view(row: Any) -> DeliveryView:
    return DeliveryView(
        id=row.id,
        event_id=row.event_id,
        event_type=row.event_type,
        webhook_id=row.webhook_id,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at if row.status == "pending" else None,
        last_attempt_at=row.last_attempt_at,
        last_status_code=row.last_status_code,
        last_duration_ms=row.last_duration_ms,
        last_error=row.last_error,
        delivered_at=row.delivered_at,
        created_at=row.created_at,
    )


def not_found(endpoint_id: int) -> NotFound:
    return NotFound(f"There is no webhook endpoint {endpoint_id}.", code="webhook_not_found")


async def list_endpoints(conn: Connection, now: datetime) -> list[WebhookView]:
    return [endpoint_view(row, now) for row in await conn.execute(ENDPOINTS)]


async def get_endpoint(conn: Connection, endpoint_id: int, now: datetime) -> WebhookView:
    row = (await conn.execute(ENDPOINT, {"endpoint_id": endpoint_id})).first()
    if row is None:
        raise not_found(endpoint_id)
    return endpoint_view(row, now)


async def list_deliveries(
    conn: Connection, endpoint_id: int, before: int | None, size: int
) -> DeliveryList:
    if (await conn.execute(ENDPOINT, {"endpoint_id": endpoint_id})).first() is None:
        raise not_found(endpoint_id)
    params = {"endpoint_id": endpoint_id, "before": before or 2**62 + 1, "size": size + 1}
    rows = (await conn.execute(DELIVERIES, params)).all()
    views = [delivery_view(row) for row in rows[:size]]
    return DeliveryList(deliveries=views, next_before=views[-1].id if len(rows) > size else None)


async def get_delivery(conn: Connection, endpoint_id: int, delivery_id: int) -> DeliveryView:
    row = (
        await conn.execute(DELIVERY, {"endpoint_id": endpoint_id, "delivery_id": delivery_id})
    ).first()
    if row is None:
        raise NotFound(f"There is no delivery {delivery_id}.", code="delivery_not_found")
    return delivery_view(row)
