"""Moderators acting on comments: approve, reject (with a reason), feature, pin; one comment,
a selection, or everything matching a queue filter.

A selection is applied in one transaction: status, counters, the review mark, the audit entry
and the events change together or not at all. Comments outside the moderator's sites are
refused (403), never skipped silently.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, update

from rejoinder.comments.models import comment_reports, comments
from rejoinder.comments.rows import AnyRow
from rejoinder.comments.rules import adjust_counters, comment_event, counted, locked
from rejoinder.events.catalogue import CommentFeatured, CommentPinned, CommentStatusChanged
from rejoinder.kernel.errors import Conflict, Invalid, NotFound
from rejoinder.moderation import audit
from rejoinder.moderation.access import Scope
from rejoinder.moderation.models import comment_checks
from rejoinder.moderation.schemas import BulkResult
from rejoinder.runtime import Runtime
from rejoinder.storage.database import Connection, Transaction

MAX_BY_FILTER = 1000
FLAGS = {"feature": ("featured", True), "unfeature": ("featured", False)}
FLAGS |= {"pin": ("pinned", True), "unpin": ("pinned", False)}


def reason_text(reason: str) -> str:
    return reason.replace("_", " ").capitalize()


def check_reason(runtime: Runtime, action: str, reason: str | None) -> None:
    reasons = runtime.settings.moderation.rejection_reasons
    if action == "reject" and reason not in reasons:
        raise Invalid(
            f"Pick a rejection reason: {', '.join(reasons)}.", code="rejection_reason_required"
        )


async def apply_to(
    runtime: Runtime,
    scope: Scope,
    comment_ids: list[int],
    action: str,
    *,
    reason: str | None = None,
    note: str | None = None,
) -> BulkResult:
    """Apply ``action`` to every comment in ``comment_ids``, atomically."""
    check_reason(runtime, action, reason)
    changed: list[int] = []
    unchanged: list[int] = []
    async with runtime.db.transaction() as tx:
        for comment_id in dict.fromkeys(comment_ids):
            row = await locked(tx.conn, comment_id)
            if row is None or row.status == "deleted" or row.deleted_at is not None:
                raise NotFound(f"There is no comment {comment_id}.", code="comment_not_found")
            scope.check(row.site_id)
            done = await _apply(runtime, tx, scope, row, action, reason, note)
            (changed if done else unchanged).append(comment_id)
    return BulkResult(changed=changed, unchanged=unchanged)


async def _apply(  # noqa: PLR0917 - the action's whole context, passed once
    runtime: Runtime,
    tx: Transaction,
    scope: Scope,
    row: AnyRow,
    action: str,
    reason: str | None,
    note: str | None,
) -> bool:
    now = runtime.clock.now()
    if action in FLAGS:
        return await _flag(tx, scope, row, action, now)
    status = "published" if action == "approve" else "rejected"
    await _mark_reviewed(tx.conn, row, scope.account_id, now)
    resolved = 0
    if status == "published":  # an approval answers the open reports
        resolved = (
            await tx.conn.execute(
                update(comment_reports)
                .where(
                    comment_reports.c.comment_id == row.id, comment_reports.c.resolved_at.is_(None)
                )
                .values(resolved_at=now)
            )
        ).rowcount
    if row.status == status:
        if resolved:
            await audit.write(
                tx.conn,
                scope,
                "comment.approve",
                now=now,
                site_id=row.site_id,
                comment_id=row.id,
                account_id=row.account_id,
                before={"open_reports": resolved},
                after={"open_reports": 0},
                note=note,
            )
        return bool(resolved)
    author_reason = None
    if status == "rejected":
        author_reason = note.strip() if note and note.strip() else reason_text(reason or "other")
    await tx.conn.execute(
        update(comments)
        .where(comments.c.id == row.id)
        .values(
            status=status,
            moderation_reason=author_reason,
            moderation_phase="moderator",
            updated_at=now,
        )
    )
    await adjust_counters(
        tx.conn,
        story_id=row.story_id,
        parent_id=row.parent_id,
        before=counted(row.status, deleted=False),
        after=counted(status, deleted=False),
    )
    await audit.write(
        tx.conn,
        scope,
        "comment." + action,
        now=now,
        site_id=row.site_id,
        comment_id=row.id,
        account_id=row.account_id,
        before={"status": row.status},
        after={"status": status},
        reason=reason,
        note=note,
    )
    tx.emit(
        comment_event(
            CommentStatusChanged,
            row,
            status=status,
            previous_status=row.status,
            moderator_id=scope.account_id,
            reason=author_reason,
        )
    )
    return True


async def _flag(tx: Transaction, scope: Scope, row: AnyRow, action: str, now: datetime) -> bool:
    column, value = FLAGS[action]
    if value and row.status != "published":
        raise Conflict("Only published comments can be featured or pinned.", code="not_published")
    if bool(getattr(row, column)) == value:
        return False
    values: dict[str, Any] = {column: value, "updated_at": now}
    await tx.conn.execute(update(comments).where(comments.c.id == row.id).values(**values))
    await audit.write(
        tx.conn,
        scope,
        "comment." + action,
        now=now,
        site_id=row.site_id,
        comment_id=row.id,
        account_id=row.account_id,
        before={column: not value},
        after={column: value},
    )
    kind = CommentFeatured if column == "featured" else CommentPinned
    tx.emit(comment_event(kind, row, **{column: value}))
    return True


async def _mark_reviewed(conn: Connection, row: AnyRow, moderator_id: int, now: datetime) -> None:
    done = await conn.execute(
        update(comment_checks)
        .where(comment_checks.c.comment_id == row.id)
        .values(reviewed_at=now, reviewed_by=moderator_id)
    )
    if done.rowcount == 0:  # stored without the pipeline (imports, an older pipeline)
        await conn.execute(
            insert(comment_checks).values(
                comment_id=row.id,
                account_id=row.account_id,
                text_hash="",
                checked_at=now,
                reviewed_at=now,
                reviewed_by=moderator_id,
            )
        )
