"""Actions of the webhooks admin API: register, change, rotate, redeliver, delete.

Each checks first (the URL against the address policy, which resolves it) and then writes
in one short transaction. Secrets are generated here and returned once.
"""

from __future__ import annotations

from datetime import timedelta

import msgspec
from sqlalchemy import bindparam, delete, insert, update

from rejoinder.runtime import Runtime
from rejoinder.storage.statements import defined
from rejoinder.webhooks.models import webhook_deliveries as d
from rejoinder.webhooks.models import webhook_endpoints as e
from rejoinder.webhooks.queries import get_delivery, get_endpoint, not_found
from rejoinder.webhooks.schemas import (
    DeliveryView,
    WebhookCreate,
    WebhookUpdate,
    WebhookView,
    WebhookWithSecret,
)
from rejoinder.webhooks.signing import new_secret
from rejoinder.webhooks.worker import Webhooks

ROTATE = defined(
    update(e)
    .where(e.c.id == bindparam("endpoint_id"))
    .values(
        previous_secret=e.c.secret,
        previous_expires_at=bindparam("expires"),
        secret=bindparam("secret"),
        updated_at=bindparam("now"),
    )
)
REDELIVER = defined(
    update(d)
    .where(d.c.endpoint_id == bindparam("endpoint_id"), d.c.id == bindparam("delivery_id"))
    .values(status="pending", next_attempt_at=bindparam("now"), claimed_until=None)
)
_encode = msgspec.json.Encoder().encode


def _webhooks(runtime: Runtime) -> Webhooks:
    assert runtime.webhooks is not None, "the runtime was built without webhooks"
    return runtime.webhooks


def _with_secret(view: WebhookView, secret: str) -> WebhookWithSecret:
    return WebhookWithSecret(**msgspec.structs.asdict(view), secret=secret)


def _events(events: list[str]) -> str:
    return _encode(sorted(set(events))).decode()


async def create_endpoint(runtime: Runtime, data: WebhookCreate) -> WebhookWithSecret:
    await _webhooks(runtime).policy.check_url(data.url)
    now, secret = runtime.clock.now(), new_secret()
    async with runtime.db.transaction() as tx:
        endpoint_id = (
            await tx.conn.execute(
                insert(e)
                .values(
                    url=data.url,
                    events=_events(data.events),
                    description=data.description,
                    secret=secret,
                    enabled=True,
                    created_at=now,
                    updated_at=now,
                )
                .returning(e.c.id)
            )
        ).scalar_one()
    async with runtime.db.read() as conn:
        view = await get_endpoint(conn, int(endpoint_id), now)
    return _with_secret(view, secret)


async def update_endpoint(runtime: Runtime, endpoint_id: int, data: WebhookUpdate) -> WebhookView:
    if data.url is not None:
        await _webhooks(runtime).policy.check_url(data.url)
    now = runtime.clock.now()
    values: dict[str, object] = {"updated_at": now}
    if data.url is not None:
        values["url"] = data.url
    if data.events is not None:
        values["events"] = _events(data.events)
    if data.description is not None:
        values["description"] = data.description
    if data.enabled is not None:
        values["enabled"] = data.enabled
        if data.enabled:  # a fresh start: the five days count again from the next failure
            values.update(disabled_reason=None, disabled_at=None, failing_since=None)
        else:
            values.update(disabled_reason=None, disabled_at=now)
    async with runtime.db.transaction() as tx:
        result = await tx.conn.execute(update(e).where(e.c.id == endpoint_id).values(**values))
        if result.rowcount == 0:
            raise not_found(endpoint_id)
    async with runtime.db.read() as conn:
        return await get_endpoint(conn, endpoint_id, now)


async def delete_endpoint(runtime: Runtime, endpoint_id: int) -> None:
    async with runtime.db.transaction() as tx:
        # SQLite does not enforce the cascade: the deliveries go explicitly, first.
        await tx.conn.execute(delete(d).where(d.c.endpoint_id == endpoint_id))
        result = await tx.conn.execute(delete(e).where(e.c.id == endpoint_id))
        if result.rowcount == 0:
            raise not_found(endpoint_id)


async def rotate_secret(runtime: Runtime, endpoint_id: int) -> WebhookWithSecret:
    """A new secret signs from now on; the previous one also signs for the overlap."""
    now, secret = runtime.clock.now(), new_secret()
    overlap = timedelta(hours=runtime.settings.webhooks.rotation_overlap_hours)
    params = {"endpoint_id": endpoint_id, "secret": secret, "expires": now + overlap, "now": now}
    async with runtime.db.transaction() as tx:
        result = await tx.conn.execute(ROTATE, params)
        if result.rowcount == 0:
            raise not_found(endpoint_id)
    async with runtime.db.read() as conn:
        view = await get_endpoint(conn, endpoint_id, now)
    return _with_secret(view, secret)


async def redeliver(runtime: Runtime, endpoint_id: int, delivery_id: int) -> DeliveryView:
    """Send a delivery again now, with its ``webhook-id`` and body (it keeps its place in
    the endpoint's order: later pending deliveries wait for it)."""
    async with runtime.db.read() as conn:
        await get_endpoint(conn, endpoint_id, runtime.clock.now())
        await get_delivery(conn, endpoint_id, delivery_id)
    params = {"endpoint_id": endpoint_id, "delivery_id": delivery_id, "now": runtime.clock.now()}
    async with runtime.db.transaction() as tx:
        await tx.conn.execute(REDELIVER, params)
    async with runtime.db.read() as conn:
        return await get_delivery(conn, endpoint_id, delivery_id)
