"""Posting a comment, the contract's main action.

Refusals come in the public order (issue #3): 401 (the ``me`` dependency), the plan and
display-name gate, account status, 409 ``story_closed``, 422 body rules, 429 rate limit. A
stored response for the same ``Idempotency-Key`` is replayed before any of that. Edits and
deletions are in ``comments.editing``, moderators' status changes in ``moderation.actions``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

import msgspec
from sqlalchemy import bindparam, insert
from sqlalchemy.exc import IntegrityError

from rejoinder.accounts.viewer import Viewer
from rejoinder.comments import idempotency
from rejoinder.comments.decisions import Attached, Decision
from rejoinder.comments.models import comments
from rejoinder.comments.post_reads import read_gate
from rejoinder.comments.render import render
from rejoinder.comments.rows import CommentRow, to_view, uses_initials
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
from rejoinder.events.catalogue import CommentCreated as CommentCreatedEvent
from rejoinder.kernel.errors import Conflict, Invalid, NotFound
from rejoinder.plans.gate import require_entitlement
from rejoinder.runtime import Runtime
from rejoinder.storage.database import Transaction
from rejoinder.storage.statements import defined
from rejoinder.stories.queries import require_site, story_state

encode = msgspec.json.Encoder().encode
_replace = msgspec.structs.replace


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
    require_entitlement(viewer, "comment", settings, now, site)
    if story is None:
        raise NotFound(f"There is no story {story_key!r} on this site.", code="story_not_found")
    if story_state(story, site, now) != "open":
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


def _created(draft: Draft, decision: Decision) -> CommentCreatedEvent:
    story = draft.story
    return CommentCreatedEvent(
        comment_id=0,  # set in the unit of work, once the row has its id
        story_id=story.id,
        site_id=story.site_id,
        story_key=story.story_key,
        parent_id=draft.parent_id,
        account_id=draft.viewer.account_id,
        status=decision.status,
    )


INSERT_COMMENT = defined(
    insert(comments)
    .values(
        story_id=bindparam("story_id"),
        parent_id=bindparam("parent_id"),
        depth=bindparam("depth"),
        account_id=bindparam("account_id"),
        body=bindparam("body"),
        body_html=bindparam("body_html"),
        status=bindparam("status"),
        moderation_reason=bindparam("moderation_reason"),
        moderation_detail=bindparam("moderation_detail"),
        moderation_phase=bindparam("moderation_phase"),
        created_at=bindparam("now"),
        updated_at=bindparam("now"),
    )
    .returning(comments.c.id)
)


class Post(NamedTuple):
    """Everything the post's unit of work writes, decided before it starts."""

    values: dict[str, Any]
    story_id: int
    parent_id: int | None
    status: str
    attached: tuple[Attached, ...]
    now: datetime
    claim: idempotency.Claim | None
    event: CommentCreatedEvent
    response: CommentCreated  # the 201 body, but for the new comment's id


async def _store(
    runtime: Runtime, draft: Draft, decision: Decision, claim: idempotency.Claim | None
) -> idempotency.Stored:
    now = runtime.clock.now()
    view = to_view(
        _row(draft, decision, now, 0),
        runtime.settings,
        draft.viewer.account_id,
        initials_of=uses_initials(runtime.settings.site(draft.story.site_id)),
    )
    post = Post(
        values={
            "story_id": draft.story.id,
            "parent_id": draft.parent_id,
            "depth": draft.depth,
            "account_id": draft.viewer.account_id,
            "body": draft.text,
            "body_html": draft.html,
            "status": decision.status,
            "moderation_reason": decision.reason,
            "moderation_detail": decision.detail,
            "moderation_phase": decision.phase,
            "now": now,
        },
        story_id=draft.story.id,
        parent_id=draft.parent_id,
        status=decision.status,
        attached=decision.attached,
        now=now,
        claim=claim,
        event=_created(draft, decision),
        response=CommentCreated(
            comment=view,
            moderation=ModerationView(status=decision.status, reason=decision.reason),
        ),
    )
    stored: idempotency.Stored = await runtime.db.run_write(_write_post, post)
    return stored


async def _write_post(tx: Transaction, post: Post) -> idempotency.Stored:
    """The post's one transaction: key, comment, moderation rows, counters, stored response
    and its event. It only writes what was decided before it began."""
    conn, claim = tx.conn, post.claim
    if claim is not None:
        stored = await idempotency.replay(conn, claim)
        if stored is not None:  # a concurrent retry committed before we began
            return stored
        await idempotency.reserve(conn, claim)
    comment_id = int((await conn.execute(INSERT_COMMENT, post.values)).scalar_one())
    await store_attached(conn, post.attached, comment_id, post.now)
    await adjust_counters(
        conn,
        story_id=post.story_id,
        parent_id=post.parent_id,
        before=(0, 0),
        after=counted(post.status, deleted=False),
    )
    response = post.response
    body = encode(
        CommentCreated(
            comment=_replace(response.comment, id=comment_id), moderation=response.moderation
        )
    )
    if claim is not None:
        await idempotency.store(conn, claim, 201, body)
    tx.emit(_replace(post.event, comment_id=comment_id))
    return idempotency.Stored(201, body, replayed=False)


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
        registered_first_name=viewer.registered_first_name,
        registered_surname=viewer.registered_surname,
    )
