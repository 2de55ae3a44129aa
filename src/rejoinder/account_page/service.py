"""Actions on the account page: notification preferences and account deletion.

Deletion has a grace period: ``request_deletion`` schedules it, ``cancel_deletion`` undoes it,
and ``purge_due_deletions`` (run by ``rejoinder purge-deletions``, e.g. from cron) erases the
accounts whose grace period has passed.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, insert, select, update

from rejoinder.account_page.models import deletion_requests, notification_preferences
from rejoinder.account_page.schemas import DeletionView, NotificationPreferences, NotificationUpdate
from rejoinder.accounts.models import access_tokens, accounts
from rejoinder.accounts.viewer import Viewer
from rejoinder.comments.models import comments
from rejoinder.events.catalogue import (
    AccountErased,
    DeletionCancelled,
    DeletionRequested,
    NotificationSettingsChanged,
)
from rejoinder.runtime import Runtime
from rejoinder.storage.database import Transaction

DELETION_GRACE_DAYS = 14
DEFAULT_PREFERENCES = NotificationPreferences(reply_notifications=True, email_digest="off")


async def update_notifications(
    runtime: Runtime, viewer: Viewer, change: NotificationUpdate
) -> NotificationPreferences:
    """Save the fields given; the others keep their stored (or default) value."""
    now = runtime.clock.now()
    async with runtime.db.transaction() as tx:
        row = (
            await tx.conn.execute(
                select(notification_preferences).where(
                    notification_preferences.c.account_id == viewer.account_id
                )
            )
        ).first()
        current = (
            NotificationPreferences(
                reply_notifications=row.reply_notifications, email_digest=row.email_digest
            )
            if row
            else DEFAULT_PREFERENCES
        )
        result = NotificationPreferences(
            reply_notifications=(
                current.reply_notifications
                if change.reply_notifications is None
                else change.reply_notifications
            ),
            email_digest=change.email_digest or current.email_digest,
        )
        values = {
            "reply_notifications": result.reply_notifications,
            "email_digest": result.email_digest,
            "updated_at": now,
        }
        if row is None:
            await tx.conn.execute(
                insert(notification_preferences).values(account_id=viewer.account_id, **values)
            )
        else:
            await tx.conn.execute(
                update(notification_preferences)
                .where(notification_preferences.c.account_id == viewer.account_id)
                .values(**values)
            )
        tx.emit(
            NotificationSettingsChanged(
                account_id=viewer.account_id,
                settings={**values, "updated_at": now.isoformat()},
            )
        )
    return result


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
    await tx.conn.execute(delete(accounts).where(accounts.c.id == account_id))
    tx.emit(AccountErased(account_id=account_id))
