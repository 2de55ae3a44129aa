"""Posting a comment, the contract's main action.

Refusals come in the public order (issue #3): 401 (the ``me`` dependency), the plan and
display-name gate, account status, 409 ``story_closed``, 422 body rules, 429 rate limit. A
stored response for the same ``Idempotency-Key`` is replayed before any of that. Edits and
deletions are in ``comments.editing``, moderators' status changes in ``comments.status``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import msgspec
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from rejoinder.accounts.viewer import Viewer
from rejoinder.comments import idempotency
from rejoinder.comments.fastwrite import NewComment, SqliteWriter
from rejoinder.comments.gate import read_gate
from rejoinder.comments.models import comments
from rejoinder.comments.render import render
from rejoinder.comments.rules import (
    Draft,
    adjust_counters,
    checked_body,
    counted,
    moderation_context,
    store_attached,
    throttle_posts,
)
from rejoinder.comments.schemas import CommentCreated, ModerationView
from rejoinder.comments.views import CommentRow, to_view
from rejoinder.kernel.errors import Conflict, Invalid, NotFound
from rejoinder.kernel.events import Event
from rejoinder.moderation.seam import Decision
from rejoinder.plans.gate import require_entitlement
from rejoinder.runtime import Runtime
from rejoinder.stories.queries import effective_status, require_site

encode = msgspec.json.Encoder().encode


async def create_comment(  # noqa: PLR0917 - the demo seed and browser tests call it this way
    runtime: Runtime,
    viewer: Viewer,
    site_id: str,
    story_key: str,
    body: str,
    parent_id: int | None,
    *,
    idempotency_key: str | None,
    client: str,
) -> idempotency.Stored:
    """Post a comment; returns the 201 response (or the one stored under the same key)."""
    settings = runtime.settings
    site = require_site(settings, site_id)
    now = runtime.clock.now()
    key = idempotency.check_key(idempotency_key)
    claim = None
    if key is not None:
        claim = idempotency.Claim(
            account_id=viewer.account_id,
            key=key,
            fingerprint=idempotency.request_hash("comment", site_id, story_key, body, parent_id),
            now=now,
            ttl=timedelta(hours=settings.comments.idempotency_ttl_hours),
        )
    stored, story, parent = await read_gate(runtime, site_id, story_key, parent_id, claim)
    if stored is not None:
        return stored
    require_entitlement(viewer, "comment", settings, now)
    if story is None:
        raise NotFound(f"There is no story {story_key!r} on this site.", code="story_not_found")
    if effective_status(story, site, now) == "closed":
        raise Conflict("Comments on this story are closed.", code="story_closed")
    text = checked_body(runtime, body)
    if parent_id is not None and (
        parent is None
        or parent.story_id != story.id
        or parent.status != "published"
        or parent.deleted_at is not None
    ):
        raise Invalid("The comment you reply to is not there any more.", code="parent_not_found")
    await throttle_posts(runtime, viewer, client)
    draft = Draft(
        viewer=viewer,
        story=story,
        text=text,
        html=render(text),
        client=client,
        parent_id=parent_id,
        depth=min(parent.depth + 1, settings.comments.max_depth) if parent is not None else 0,
    )
    decision = await runtime.moderation.decide(
        moderation_context(runtime, draft, parent_id=parent_id)
    )
    try:
        return await _store(runtime, draft, decision, claim)
    except IntegrityError:  # a concurrent retry with the same key committed first
        if claim is None:
            raise
        async with runtime.db.read() as conn:
            stored = await idempotency.replay(conn, claim)
        if stored is None:
            raise
        return stored


def _created_event(draft: Draft, decision: Decision, comment_id: int) -> Event:
    story = draft.story
    return Event(
        name="comment.created",
        data={
            "comment_id": comment_id,
            "story_id": story.id,
            "site_id": story.site_id,
            "story_key": story.story_key,
            "parent_id": draft.parent_id,
            "account_id": draft.viewer.account_id,
            "status": decision.status,
        },
    )


def _response(runtime: Runtime, draft: Draft, decision: Decision, row: CommentRow) -> bytes:
    return encode(
        CommentCreated(
            comment=to_view(row, runtime.settings, draft.viewer.account_id),
            moderation=ModerationView(status=decision.status, reason=decision.reason),
        )
    )


async def _store(
    runtime: Runtime, draft: Draft, decision: Decision, claim: idempotency.Claim | None
) -> idempotency.Stored:
    now = runtime.clock.now()
    if runtime.writer is not None:
        return await _store_in_one_hop(runtime, runtime.writer, draft, decision, claim)
    async with runtime.db.transaction() as tx:
        if claim is not None:
            stored = await idempotency.replay(tx.conn, claim)
            if stored is not None:  # SQLite: the concurrent retry committed before we began
                return stored
            await idempotency.reserve(tx.conn, claim)
        row = await _insert(tx.conn, draft, decision, now)
        await store_attached(tx.conn, decision.attached, row.id, now)
        await adjust_counters(
            tx.conn,
            story_id=draft.story.id,
            parent_id=draft.parent_id,
            before=(0, 0),
            after=counted(decision.status, deleted=False),
        )
        response = _response(runtime, draft, decision, row)
        if claim is not None:
            await idempotency.store(tx.conn, claim, 201, response)
        tx.emit(_created_event(draft, decision, row.id))
    return idempotency.Stored(201, response, replayed=False)


async def _store_in_one_hop(
    runtime: Runtime,
    writer: SqliteWriter,
    draft: Draft,
    decision: Decision,
    claim: idempotency.Claim | None,
) -> idempotency.Stored:
    """SQLite: the same transaction in one thread hop (comments.fastwrite); the event is
    published after the commit, as ``Database.transaction`` would."""
    now = runtime.clock.now()
    comment = NewComment(
        story_id=draft.story.id,
        parent_id=draft.parent_id,
        depth=draft.depth,
        account_id=draft.viewer.account_id,
        body=draft.text,
        body_html=draft.html,
        status=decision.status,
        moderation_reason=decision.reason,
        moderation_detail=decision.detail,
        moderation_phase=decision.phase,
        now=now,
    )
    written = await writer.insert(
        comment,
        claim,
        lambda comment_id: _response(
            runtime, draft, decision, _row(draft, decision, now, comment_id)
        ),
        decision.attached,
    )
    if written.comment_id is not None:
        await runtime.bus.publish(_created_event(draft, decision, written.comment_id))
    return written.response


async def _insert(
    conn: AsyncConnection, draft: Draft, decision: Decision, now: datetime
) -> CommentRow:
    """Insert, and return the row as a read would see it (without reading it back)."""
    viewer = draft.viewer
    comment_id = (
        await conn.execute(
            insert(comments)
            .values(
                story_id=draft.story.id,
                parent_id=draft.parent_id,
                depth=draft.depth,
                account_id=viewer.account_id,
                body=draft.text,
                body_html=draft.html,
                status=decision.status,
                moderation_reason=decision.reason,
                moderation_detail=decision.detail,
                moderation_phase=decision.phase,
                created_at=now,
                updated_at=now,
            )
            .returning(comments.c.id)
        )
    ).scalar_one()
    return _row(draft, decision, now, comment_id)


def _row(draft: Draft, decision: Decision, now: datetime, comment_id: int) -> CommentRow:
    """The new comment as a read would see it, without reading it back."""
    viewer = draft.viewer
    return CommentRow(
        id=comment_id,
        story_id=draft.story.id,
        parent_id=draft.parent_id,
        depth=draft.depth,
        account_id=viewer.account_id,
        body_html=draft.html,
        status=decision.status,
        moderation_reason=decision.reason,
        created_at=now,
        edited_at=None,
        deleted_at=None,
        reply_count=0,
        reaction_count=0,
        reactions="{}",
        featured=False,
        pinned=False,
        display_name=viewer.display_name,
        role=viewer.role,
        plan_id=viewer.plan.id,
        sso_badges=msgspec.json.encode(list(viewer.badges)).decode(),
    )
