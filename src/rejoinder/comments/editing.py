"""Authors changing their own comments: edit within the window, delete to a tombstone."""

from __future__ import annotations

from datetime import timedelta

import msgspec
from sqlalchemy import delete, insert, select, update

from rejoinder.accounts.viewer import Viewer
from rejoinder.comments.decisions import Attached
from rejoinder.comments.models import comment_revisions, comments
from rejoinder.comments.queries import comment_row, visible
from rejoinder.comments.render import render
from rejoinder.comments.rows import AnyRow, to_view, uses_initials
from rejoinder.comments.rules import (
    Draft,
    adjust_counters,
    checked_body,
    comment_event,
    counted,
    locked,
    moderation_context,
    store_attached,
    throttle_posts,
)
from rejoinder.comments.schemas import CommentView
from rejoinder.events.catalogue import CommentDeleted, CommentEdited
from rejoinder.kernel.errors import Conflict, Forbidden, NotFound
from rejoinder.plans.gate import require_entitlement
from rejoinder.runtime import Runtime
from rejoinder.stories.queries import story_by_id, story_state


def _not_found() -> NotFound:
    return NotFound("There is no such comment.", code="comment_not_found")


def _deleted() -> Conflict:
    return Conflict("This comment was deleted.", code="comment_deleted")


async def edit_comment(
    runtime: Runtime, viewer: Viewer, comment_id: int, *, body: str, client: str
) -> CommentView:
    """Change one's own comment within the edit window. The old text is kept as a revision
    and the new one goes through moderation again (it may become pending or rejected). A
    comment waiting for a moderator (pending) stays pending whatever the new text: an edit
    never publishes what a moderator has not seen; only a rejection by the pipeline wins."""
    settings = runtime.settings
    now = runtime.clock.now()
    async with runtime.db.read() as conn:
        row = await comment_row(conn, comment_id)
        if row is None or not visible(row, viewer.account_id):
            raise _not_found()
        if row.account_id != viewer.account_id:
            raise Forbidden("Only the author can edit a comment.", code="not_comment_author")
        if row.deleted_at is not None:
            raise _deleted()
        story = await story_by_id(conn, row.story_id)
        previous_body = (
            await conn.execute(select(comments.c.body).where(comments.c.id == comment_id))
        ).scalar()
    require_entitlement(viewer, "comment", settings, now)
    minutes = settings.comments.edit_window_minutes
    if now > row.created_at + timedelta(minutes=minutes):
        raise Conflict(
            f"Comments can be edited for {minutes} minutes after posting.",
            code="edit_window_expired",
        )
    if story_state(story, settings.site(story.site_id), now) != "open":
        raise Conflict("Comments on this story are closed.", code="story_closed")
    text = checked_body(runtime, body)
    await throttle_posts(runtime, viewer, client)
    draft = Draft(viewer=viewer, story=story, text=text, html=render(text), client=client)
    decision = await runtime.moderation.decide(
        moderation_context(
            runtime,
            draft,
            parent_id=row.parent_id,
            comment_id=comment_id,
            previous_body=previous_body,
        )
    )
    async with runtime.db.transaction() as tx:
        current = await locked(tx.conn, comment_id)
        if current is None or current.deleted_at is not None or current.status == "deleted":
            raise _deleted()
        await tx.conn.execute(
            insert(comment_revisions).values(
                comment_id=comment_id,
                body=current.body,
                body_html=current.body_html,
                status=current.status,
                written_at=current.edited_at or current.created_at,
                replaced_at=now,
            )
        )
        status, reason, phase = decision.status, decision.reason, decision.phase
        attached = decision.attached
        if current.status == "pending" and status != "rejected":
            status = "pending"
            if decision.status == "published":  # still held for the reason it was held
                reason, phase = current.moderation_reason, current.moderation_phase
            attached = (*attached, _held_edit_audit(current, phase))
        await tx.conn.execute(
            update(comments)
            .where(comments.c.id == comment_id)
            .values(
                body=draft.text,
                body_html=draft.html,
                status=status,
                moderation_reason=reason,
                moderation_detail=decision.detail,
                moderation_phase=phase,
                edited_at=now,
                updated_at=now,
            )
        )
        await adjust_counters(
            tx.conn,
            story_id=current.story_id,
            parent_id=current.parent_id,
            before=counted(current.status, deleted=False),
            after=counted(status, deleted=False),
        )
        await store_attached(tx.conn, attached, comment_id, now)
        fresh = await comment_row(tx.conn, comment_id)
        assert fresh is not None  # locked above
        tx.emit(
            comment_event(CommentEdited, current, status=status, previous_status=current.status)
        )
    shown = uses_initials(settings.site(story.site_id))
    return to_view(fresh, settings, viewer.account_id, initials_of=shown)


def _held_edit_audit(current: AnyRow, phase: str | None) -> Attached:
    """The audit row of an edit to a held comment: the desk sees it was edited while waiting."""
    return Attached(
        "audit_log",
        {
            "actor_name": "pipeline",
            "action": "pipeline.hold",
            "site_id": current.site_id,
            "account_id": current.account_id,
            "after": msgspec.json.encode({"status": "pending", "phase": phase}).decode(),
            "reason": "edited by the author while held: still waiting for a moderator",
        },
        "created_at",
    )


def _held_delete_audit(current: AnyRow) -> Attached:
    """The audit row of a held comment its author deleted before a moderator decided."""
    return Attached(
        "audit_log",
        {
            "actor_name": "author",
            "action": "author.delete",
            "site_id": current.site_id,
            "account_id": current.account_id,
            "after": msgspec.json.encode({"status": "deleted"}).decode(),
            "reason": "deleted by the author while held",
        },
        "created_at",
    )


async def delete_comment(runtime: Runtime, viewer: Viewer, comment_id: int) -> None:
    """Delete one's own comment; idempotent. With visible replies it stays as a tombstone (no
    body, no author) so the thread keeps its shape; without, it leaves every listing. The
    text and its revisions are erased either way."""
    now = runtime.clock.now()
    async with runtime.db.transaction() as tx:
        row = await locked(tx.conn, comment_id)
        mine = row is not None and row.account_id == viewer.account_id
        if row is not None and mine and (row.status == "deleted" or row.deleted_at is not None):
            return
        if row is None or not visible(row, viewer.account_id):
            raise _not_found()
        if not mine:
            raise Forbidden("Only the author can delete a comment.", code="not_comment_author")
        tombstone = row.status == "published" and row.reply_count > 0
        status = row.status if tombstone else "deleted"
        await tx.conn.execute(
            update(comments)
            .where(comments.c.id == comment_id)
            .values(status=status, body="", body_html="", deleted_at=now, updated_at=now)
        )
        await tx.conn.execute(
            delete(comment_revisions).where(comment_revisions.c.comment_id == comment_id)
        )
        await adjust_counters(
            tx.conn,
            story_id=row.story_id,
            parent_id=row.parent_id,
            before=counted(row.status, deleted=False),
            after=counted(status, deleted=True),
        )
        if row.status == "pending":  # it leaves a moderation queue: the desk sees why
            await store_attached(tx.conn, (_held_delete_audit(row),), comment_id, now)
        tx.emit(comment_event(CommentDeleted, row, tombstone=tombstone))
