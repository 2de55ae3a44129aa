"""The delivery worker: claims due deliveries, sends them, records what happened.

At least once, per endpoint in event order: a delivery is claimed only when no earlier one
of its endpoint is still pending, so an endpoint has one attempt in flight at a time and a
later event never overtakes an earlier one. A claim is a lease (``claimed_until``) taken in
a short transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so processes share the work;
SQLite has one writer). A worker that dies mid-attempt leaves its lease to expire; the
delivery is then claimed again and sent with the same ``webhook-id`` and body.

The schedule's clock is the runtime's (tests move it); the ``webhook-timestamp`` header is
signed with ``stamp`` (the system clock), because receivers compare it with their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from asyncio import FIRST_COMPLETED
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import bindparam, func, or_, select, true, update
from sqlalchemy.orm import aliased

from rejoinder.events.relay import Relay
from rejoinder.kernel.clock import Clock, SystemClock
from rejoinder.settings import WebhookSettings
from rejoinder.storage.database import Database, Transaction
from rejoinder.storage.statements import defined
from rejoinder.webhooks.consumer import WebhookConsumer
from rejoinder.webhooks.delivery import Claimed, Outcome, attempt, client_for
from rejoinder.webhooks.models import webhook_deliveries as d
from rejoinder.webhooks.models import webhook_endpoints as e
from rejoinder.webhooks.schedule import next_delay
from rejoinder.webhooks.ssrf import AddressPolicy, Resolver

log = logging.getLogger(__name__)

_head = aliased(d, name="head")
# Each enabled endpoint's head: its oldest pending delivery (an index lookup per endpoint);
# claimed only when due and not leased. Later deliveries of an endpoint wait behind it.
HEAD_ID = (
    select(func.min(_head.c.id))
    .where(_head.c.endpoint_id == e.c.id, _head.c.status == "pending")
    .scalar_subquery()
)


def _claimable(*, one_endpoint: bool) -> Any:
    conditions = [
        e.c.enabled == true(),
        d.c.next_attempt_at <= bindparam("now"),
        or_(d.c.claimed_until.is_(None), d.c.claimed_until < bindparam("now")),
    ]
    if one_endpoint:
        conditions.append(e.c.id == bindparam("endpoint_id"))
    return (
        select(
            d.c.id,
            d.c.endpoint_id,
            d.c.webhook_id,
            d.c.payload,
            d.c.attempts,
            e.c.url,
            e.c.secret,
            e.c.previous_secret,
            e.c.previous_expires_at,
        )
        .select_from(e)
        .join(d, d.c.id == HEAD_ID)
        .where(*conditions)
        .order_by(d.c.next_attempt_at, d.c.id)
        .limit(bindparam("size"))
        .with_for_update(of=d, skip_locked=True)
    )


CLAIMABLE = defined(_claimable(one_endpoint=False))
# After a success, the same endpoint's next delivery, claimed in the recording transaction.
CLAIMABLE_NEXT = defined(_claimable(one_endpoint=True))
LEASE = defined(
    update(d)
    .where(d.c.id == bindparam("delivery_id"))
    .values(claimed_until=bindparam("until"), last_attempt_at=bindparam("now"))
)
DELIVERED = defined(
    update(d)
    .where(d.c.id == bindparam("delivery_id"))
    .values(
        status="delivered",
        attempts=d.c.attempts + 1,
        delivered_at=bindparam("now"),
        claimed_until=None,
        last_status_code=bindparam("code"),
        last_duration_ms=bindparam("ms"),
        last_error=None,
    )
)
FAILED = defined(
    update(d)
    .where(d.c.id == bindparam("delivery_id"))
    .values(
        status=bindparam("status"),
        attempts=d.c.attempts + 1,
        next_attempt_at=bindparam("next_at"),
        claimed_until=None,
        last_status_code=bindparam("code"),
        last_duration_ms=bindparam("ms"),
        last_error=bindparam("error"),
    )
)
HEALTHY = defined(update(e).where(e.c.id == bindparam("endpoint_id")).values(failing_since=None))
FAILING = defined(
    update(e)
    .where(e.c.id == bindparam("endpoint_id"))
    .values(failing_since=func.coalesce(e.c.failing_since, bindparam("now")))
)
AUTO_DISABLE = defined(
    update(e)
    .where(
        e.c.id == bindparam("endpoint_id"),
        e.c.enabled == true(),
        e.c.failing_since <= bindparam("cutoff"),
    )
    .values(
        enabled=False,
        disabled_reason="failing",
        disabled_at=bindparam("now"),
        updated_at=bindparam("now"),
    )
)


def _secrets(row: Any, now: datetime) -> list[str]:
    live = row.previous_secret is not None and (
        row.previous_expires_at is None or row.previous_expires_at > now
    )
    return [row.secret, row.previous_secret] if live else [row.secret]


async def _claim(
    tx: Transaction, now: datetime, size: int, lease: timedelta, endpoint_id: int | None = None
) -> list[Claimed]:
    if endpoint_id is None:
        rows = (await tx.conn.execute(CLAIMABLE, {"now": now, "size": size})).all()
    else:
        params = {"now": now, "size": size, "endpoint_id": endpoint_id}
        rows = (await tx.conn.execute(CLAIMABLE_NEXT, params)).all()
    if not rows:
        return []
    until = now + lease
    await tx.conn.execute(
        LEASE, [{"delivery_id": row.id, "until": until, "now": now} for row in rows]
    )
    return [
        Claimed(
            id=row.id,
            endpoint_id=row.endpoint_id,
            webhook_id=row.webhook_id,
            payload=row.payload,
            attempts=row.attempts,
            url=row.url,
            secrets=_secrets(row, now),
        )
        for row in rows
    ]


async def _record(  # noqa: PLR0917 - `run_write` passes a unit of work positional arguments
    tx: Transaction,
    delivery: Claimed,
    outcome: Outcome,
    now: datetime,
    disable_after: timedelta,
    lease: timedelta | None,
) -> tuple[bool, Claimed | None]:
    """Write the attempt's outcome: whether it disabled the endpoint, and (after a success,
    given a ``lease``) the endpoint's next due delivery, claimed in the same transaction."""
    endpoint = {"endpoint_id": delivery.endpoint_id}
    if outcome.ok:
        await tx.conn.execute(
            DELIVERED,
            {
                "delivery_id": delivery.id,
                "now": now,
                "code": outcome.status_code,
                "ms": outcome.duration_ms,
            },
        )
        await tx.conn.execute(HEALTHY, endpoint)
        if lease is None:
            return False, None
        following = await _claim(tx, now, 1, lease, delivery.endpoint_id)
        return False, following[0] if following else None
    delay = next_delay(delivery.attempts + 1)
    await tx.conn.execute(
        FAILED,
        {
            "delivery_id": delivery.id,
            "status": "pending" if delay is not None else "failed",
            "next_at": now + delay if delay is not None else now,
            "code": outcome.status_code,
            "ms": outcome.duration_ms,
            "error": outcome.error,
        },
    )
    await tx.conn.execute(FAILING, {**endpoint, "now": now})
    disabled = await tx.conn.execute(
        AUTO_DISABLE, {**endpoint, "now": now, "cutoff": now - disable_after}
    )
    return disabled.rowcount > 0, None


class WebhookWorker:
    """Claims and sends due deliveries; ``run_once`` is one round (tests drive it)."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: WebhookSettings,
        policy: AddressPolicy,
        *,
        stamp: Clock | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._stamp = stamp or SystemClock()
        self._settings = settings
        self._policy = policy
        self._client: httpx.AsyncClient | None = None
        self.lease = timedelta(seconds=settings.timeout_seconds + 45)

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = client_for(self._policy, self._settings.timeout_seconds)
        return self._client

    async def claim(self, size: int | None = None) -> list[Claimed]:
        size = size or self._settings.concurrency
        now = self._clock.now()
        return await self._db.run_write(_claim, now, size, self.lease)

    async def send(self, delivery: Claimed, *, chain: bool = False) -> Outcome:
        """Attempt ``delivery`` and record it. With ``chain``, go on with the endpoint's next
        due delivery after each success (claimed while recording: one transaction fewer)."""
        disable_after = timedelta(days=self._settings.disable_after_days)
        current: Claimed | None = delivery
        outcome = Outcome(ok=False)
        while current is not None:
            outcome = await attempt(
                self._http(), current, self._stamp.now(), self._settings.timeout_seconds
            )
            lease = self.lease if chain else None
            disabled, current = await self._db.run_write(
                _record, current, outcome, self._clock.now(), disable_after, lease
            )
            if disabled:
                log.warning(
                    "webhook endpoint %s disabled: every delivery failed for %s days (last: %s)",
                    delivery.endpoint_id,
                    self._settings.disable_after_days,
                    outcome.error,
                    extra={"webhook_endpoint_id": delivery.endpoint_id},
                )
        return outcome

    async def run_once(self) -> int:
        """Claim what is due and send it, concurrently; the number of attempts made."""
        claimed = await self.claim()
        if claimed:
            await asyncio.gather(*(self.send(delivery) for delivery in claimed))
        return len(claimed)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


class Webhooks:
    """The runtime's webhooks collaborator: the durable consumer and the delivery worker."""

    def __init__(
        self,
        db: Database,
        relay: Relay,
        clock: Clock,
        settings: WebhookSettings,
        *,
        resolver: Resolver | None = None,
        stamp: Clock | None = None,
    ) -> None:
        self.settings = settings
        self.policy = AddressPolicy(settings.allow_networks, resolver)
        self.consumer = WebhookConsumer(clock)
        self.worker = WebhookWorker(db, clock, settings, self.policy, stamp=stamp)
        self._relay = relay
        self._task: asyncio.Task[None] | None = None
        self._registered = False

    async def register(self) -> None:
        """Give the consumer its position (the log's head on first start) and attach it."""
        if not self._registered:
            await self._relay.register_durable(self.consumer, from_start=False)
            self._registered = True

    async def start(self) -> None:
        await self.register()
        if self.settings.enabled and self._task is None:
            self._task = asyncio.create_task(self._run(), name="rejoinder-webhooks")

    async def _run(self) -> None:
        """Keep up to ``concurrency`` attempts in flight; claim again as each one ends (so
        an endpoint's next delivery follows its previous one at once)."""
        in_flight: set[asyncio.Task[Outcome]] = set()
        try:
            while True:
                room = self.settings.concurrency - len(in_flight)
                claimed = []
                if room > 0:
                    try:
                        claimed = await self.worker.claim(room)
                    except Exception:  # the database is away: try again at the next poll
                        log.warning("webhooks: claiming deliveries failed; retrying", exc_info=True)
                for delivery in claimed:
                    in_flight.add(asyncio.create_task(self.worker.send(delivery, chain=True)))
                if not in_flight:
                    await asyncio.sleep(self.settings.poll_seconds)
                    continue
                done, _ = await asyncio.wait(
                    in_flight, timeout=self.settings.poll_seconds, return_when=FIRST_COMPLETED
                )
                in_flight -= done
                for task in done:
                    if task.exception() is not None:  # its lease expires; it is sent again
                        log.warning(
                            "webhooks: recording a delivery failed", exc_info=task.exception()
                        )
        finally:
            for task in in_flight:  # their leases expire: sent again later, same webhook-id
                task.cancel()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.worker.close()
