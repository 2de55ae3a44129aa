"""Actions on a reader's plan. Every change is recorded in ``plan_history``."""

from __future__ import annotations

from datetime import datetime

import msgspec
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from rejoinder.accounts.models import accounts
from rejoinder.events.catalogue import PlanChanged
from rejoinder.plans.catalog import require_plan
from rejoinder.plans.models import plan_history
from rejoinder.runtime import Runtime
from rejoinder.storage.database import Transaction


async def record_plan_change(
    tx: Transaction,
    *,
    account_id: int,
    previous_plan_id: str | None,
    plan_id: str,
    source: str,
    now: datetime,
) -> None:
    """Set the plan and keep its history; effective at once for every issued access token."""
    if previous_plan_id is not None:
        await tx.conn.execute(
            update(accounts)
            .where(accounts.c.id == account_id)
            .values(plan_id=plan_id, plan_changed_at=now, updated_at=now)
        )
    await tx.conn.execute(
        insert(plan_history).values(
            account_id=account_id,
            previous_plan_id=previous_plan_id,
            plan_id=plan_id,
            source=source,
            changed_at=now,
        )
    )
    tx.emit(PlanChanged(account_id=account_id, plan_id=plan_id, previous=previous_plan_id))


async def open_account(
    tx: Transaction, *, plan_id: str, source: str, now: datetime, **columns: object
) -> int:
    """Create an account on ``plan_id``; its first plan-history entry says where it came from."""
    account_id: int = (
        await tx.conn.execute(
            insert(accounts)
            .values(plan_id=plan_id, plan_changed_at=now, created_at=now, updated_at=now, **columns)
            .returning(accounts.c.id)
        )
    ).scalar_one()
    await record_plan_change(
        tx, account_id=account_id, previous_plan_id=None, plan_id=plan_id, source=source, now=now
    )
    return account_id


class SyncResult(msgspec.Struct, kw_only=True):
    account_id: int
    plan_id: str
    previous_plan_id: str | None
    changed: bool
    created: bool


async def sync_subscriber(runtime: Runtime, external_id: str, plan_id: str) -> SyncResult:
    """The billing system says subscriber ``external_id`` now holds ``plan_id``.

    Creates the account when the subscriber has not signed in yet, so the plan is already
    right at their first sign-in. Idempotent: the same call twice records one change.
    """
    require_plan(runtime.settings, plan_id)
    for attempt in range(2):
        try:
            return await _sync_once(runtime, external_id, plan_id)
        except IntegrityError:  # a concurrent first sign-in created the account; retry once
            if attempt:
                raise
    raise AssertionError("unreachable")


async def _sync_once(runtime: Runtime, external_id: str, plan_id: str) -> SyncResult:
    now = runtime.clock.now()
    async with runtime.db.transaction() as tx:
        row = (
            await tx.conn.execute(
                select(accounts.c.id, accounts.c.plan_id).where(
                    accounts.c.external_id == external_id
                )
            )
        ).first()
        if row is None:
            account_id = await open_account(
                tx, plan_id=plan_id, source="sync", now=now, external_id=external_id
            )
            return SyncResult(
                account_id=account_id,
                plan_id=plan_id,
                previous_plan_id=None,
                changed=True,
                created=True,
            )
        if row.plan_id == plan_id:
            return SyncResult(
                account_id=row.id,
                plan_id=plan_id,
                previous_plan_id=plan_id,
                changed=False,
                created=False,
            )
        await record_plan_change(
            tx,
            account_id=row.id,
            previous_plan_id=row.plan_id,
            plan_id=plan_id,
            source="sync",
            now=now,
        )
        return SyncResult(
            account_id=row.id,
            plan_id=plan_id,
            previous_plan_id=row.plan_id,
            changed=True,
            created=False,
        )
