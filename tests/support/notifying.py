"""Helpers of the notifications tests: run the consumer and the worker, read the tables."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from factories import Reader
from rejoinder.accounts.models import accounts
from rejoinder.notifications.models import mails, notifications
from rejoinder.notifications.service import Notifier, notifier_of
from rejoinder.runtime import Runtime

MAIL_SECRET = "mail-secret-0123456789-abcdefghijklmnop"


def notifier(runtime: Runtime) -> Notifier:
    return notifier_of(runtime)


async def consume(runtime: Runtime) -> None:
    """Let the notifications consumer read the log to its end (what the relay's loop does)."""
    consumer = notifier(runtime).consumer
    while await runtime.relay.run_durable(consumer):
        pass


async def pump(runtime: Runtime) -> int:
    """Consume, then one round of the mail worker (digests due, then mail due)."""
    await consume(runtime)
    return await notifier(runtime).worker.run_once()


async def set_email(runtime: Runtime, reader: Reader, address: str) -> None:
    async with runtime.db.transaction() as tx:
        await tx.conn.execute(
            update(accounts).where(accounts.c.id == reader.account_id).values(email=address)
        )


async def rows(runtime: Runtime, table: Any, account_id: int | None = None) -> list[Any]:
    query = select(table).order_by(table.c.id)
    if account_id is not None:
        query = query.where(table.c.account_id == account_id)
    async with runtime.db.read() as conn:
        return list((await conn.execute(query)).all())


async def mail_rows(runtime: Runtime, account_id: int | None = None) -> list[Any]:
    return await rows(runtime, mails, account_id)


async def notification_rows(runtime: Runtime, account_id: int | None = None) -> list[Any]:
    return await rows(runtime, notifications, account_id)
