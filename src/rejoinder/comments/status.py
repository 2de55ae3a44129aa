"""The status change moderators (and the moderation desk, later) use: publish, hold, reject."""

from __future__ import annotations

from sqlalchemy import update

from rejoinder.comments.models import comments
from rejoinder.comments.rules import adjust_counters, comment_event, counted, locked
from rejoinder.kernel.errors import Invalid, NotFound
from rejoinder.runtime import Runtime

STATUSES = frozenset({"published", "pending", "rejected"})


async def set_status(
    runtime: Runtime,
    comment_id: int,
    status: str,
    *,
    reason: str | None = None,
    detail: str | None = None,
    phase: str | None = None,
) -> None:
    """Move a comment to ``status`` keeping every counter right; emits
    ``comment.status_changed`` (which also drops the story's cached pages)."""
    if status not in STATUSES:
        raise Invalid(f"Unknown comment status {status!r}.", code="invalid_status")
    now = runtime.clock.now()
    async with runtime.db.transaction() as tx:
        row = await locked(tx.conn, comment_id)
        if row is None or row.status == "deleted":
            raise NotFound("There is no such comment.", code="comment_not_found")
        if row.status == status:
            return
        deleted = row.deleted_at is not None
        await tx.conn.execute(
            update(comments)
            .where(comments.c.id == comment_id)
            .values(
                status=status,
                moderation_reason=reason,
                moderation_detail=detail,
                moderation_phase=phase,
                updated_at=now,
            )
        )
        await adjust_counters(
            tx.conn,
            story_id=row.story_id,
            parent_id=row.parent_id,
            before=counted(row.status, deleted=deleted),
            after=counted(status, deleted=deleted),
        )
        tx.emit(
            comment_event("comment.status_changed", row, status=status, previous_status=row.status)
        )
