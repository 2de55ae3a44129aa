"""Actions on the account page: account deletion (notification settings are
``rejoinder.notifications``).

Deletion has a grace period: ``request_deletion`` schedules it, ``cancel_deletion`` undoes it,
and ``purge_due_deletions`` (run by ``rejoinder purge-deletions``, e.g. from cron) erases the
accounts whose grace period has passed.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, insert, select, update

from rejoinder.account_page.models import deletion_requests
from rejoinder.account_page.schemas import DeletionView
from rejoinder.accounts.models import access_tokens, accounts
from rejoinder.accounts.viewer import Viewer
from rejoinder.comments.models import comments
from rejoinder.events.catalogue import (
    AccountErased,
    DeletionCancelled,
    DeletionRequested,
)
from rejoinder.notifications.outbox import drop_account
from rejoinder.runtime import Runtime
from rejoinder.storage.database import Transaction

DELETION_GRACE_DAYS = 14


async def request_deletion(runtime: Runtime, viewer: Viewer) -> DeletionView:
    """Schedule the account's deletion after the grace period; asking again changes nothing."""
    now = runtime.clock.now()
    async with runtime.db.transaction() as tx:
        row = (
            await tx.conn.execute(
                select(deletion_requests).where(deletion_requests.c.account_id == viewer.account_id)
            )
        ).first()
        if row is not None:
            return DeletionView(
                pending=True, requested_at=row.requested_at, delete_after=row.delete_after
            )
        delete_after = now + timedelta(days=DELETION_GRACE_DAYS)
        await tx.conn.execute(
            insert(deletion_requests).values(
                account_id=viewer.account_id, requested_at=now, delete_after=delete_after
            )
        )
        tx.emit(
            DeletionRequested(account_id=viewer.account_id, delete_after=delete_after.isoformat())
        )
    return DeletionView(pending=True, requested_at=now, delete_after=delete_after)


async def cancel_deletion(runtime: Runtime, viewer: Viewer) -> None:
    """Keep the account after all; cancelling when nothing is pending is fine."""
    async with runtime.db.transaction() as tx:
        result = await tx.conn.execute(
            delete(deletion_requests).where(deletion_requests.c.account_id == viewer.account_id)
        )
        if result.rowcount:
            tx.emit(DeletionCancelled(account_id=viewer.account_id))


async def purge_due_deletions(runtime: Runtime) -> list[int]:
    """Erase every account whose grace period has passed; returns their ids.

    The account's comments lose their text and author (threads keep their shape as
    tombstones); the account row goes, and with it tokens, reactions, reports, histories and
    preferences (foreign keys cascade).
    """
    now = runtime.clock.now()
    async with runtime.db.read() as conn:
        due = (
            (
                await conn.execute(
                    select(deletion_requests.c.account_id).where(
                        deletion_requests.c.delete_after <= now
                    )
                )
            )
            .scalars()
            .all()
        )
    for account_id in due:
        async with runtime.db.transaction() as tx:
            await _erase(tx, account_id, now)
    return list(due)


async def _erase(tx: Transaction, account_id: int, now: object) -> None:
    await tx.conn.execute(
        update(access_tokens)
        .where(access_tokens.c.account_id == account_id, access_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    await tx.conn.execute(
        update(comments)
        .where(comments.c.account_id == account_id)
        .values(body="", body_html="", deleted_at=now, updated_at=now, account_id=None)
    )
    # Its notifications and the mail not yet sent go with it (the foreign keys would cascade
    # too; saying it here keeps the promise visible, and independent of them).
    await drop_account(tx.conn, account_id)
    await tx.conn.execute(delete(accounts).where(accounts.c.id == account_id))
    tx.emit(AccountErased(account_id=account_id))
