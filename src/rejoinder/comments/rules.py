"""Checks shared by the comment actions: body rules, rate limits, counters, event payloads."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any, TypeVar

import msgspec
from sqlalchemy import bindparam, delete, insert, select, update

from rejoinder.accounts.viewer import Viewer
from rejoinder.comments.decisions import Attached, ModerationContext
from rejoinder.comments.models import comments
from rejoinder.comments.render import clean_text
from rejoinder.comments.rows import AnyRow
from rejoinder.events.catalogue import CommentEvent
from rejoinder.kernel.errors import Invalid, RateLimited
from rejoinder.plans.gate import account_status
from rejoinder.ratelimit.base import Limit
from rejoinder.runtime import Runtime
from rejoinder.storage.database import Connection
from rejoinder.storage.metadata import metadata
from rejoinder.storage.statements import defined
from rejoinder.stories.models import stories
from rejoinder.stories.queries import Story


def checked_body(runtime: Runtime, raw: str) -> str:
    """The cleaned text, or 422 ``comment_empty`` / ``comment_too_long``."""
    text = clean_text(raw)
    if not text:
        raise Invalid("Write something before posting.", code="comment_empty")
    limit = runtime.settings.comments.max_length
    if len(text) > limit:
        raise Invalid(
            f"A comment can be at most {limit} characters; this one has {len(text)}.",
            code="comment_too_long",
            max_length=limit,
        )
    return text


async def throttle(
    runtime: Runtime, action: str, account_id: int, client: str, *, limit: int, window: int
) -> None:
    """Per reader and per client address (every write shares the address budget), in one
    step: an attempt either limit refuses counts in neither."""
    wait = await runtime.limiter.hit_all(
        (
            Limit(f"{action}:{account_id}", limit, window),
            Limit(f"writes-ip:{client}", runtime.settings.comments.ip_rate_limit_count, 60),
        )
    )
    if wait is not None:
        raise RateLimited(f"You are going too fast; try again in {wait} seconds.", retry_after=wait)


def counted(status: str, *, deleted: bool) -> tuple[int, int]:
    """(counts in the story's comment_count, counts in the parent's reply_count)."""
    published = status == "published"
    return int(published and not deleted), int(published)


async def adjust_counters(
    conn: Connection,
    *,
    story_id: int,
    parent_id: int | None,
    before: tuple[int, int],
    after: tuple[int, int],
) -> None:
    story_delta, reply_delta = after[0] - before[0], after[1] - before[1]
    if story_delta:
        await conn.execute(BUMP_STORY, {"story_id": story_id, "delta": story_delta})
    if reply_delta and parent_id is not None:
        await conn.execute(BUMP_PARENT, {"parent_id": parent_id, "delta": reply_delta})


BUMP_STORY = defined(
    update(stories)
    .where(stories.c.id == bindparam("story_id"))
    .values(comment_count=stories.c.comment_count + bindparam("delta"))
)
BUMP_PARENT = defined(
    update(comments)
    .where(comments.c.id == bindparam("parent_id"))
    .values(reply_count=comments.c.reply_count + bindparam("delta"))
)


async def store_attached(
    conn: Connection, attached: tuple[Attached, ...], comment_id: int, now: datetime
) -> None:
    """The rows attached to a moderation decision, in the comment's own transaction."""
    for row in attached:
        if row.replace:
            await conn.execute(_delete_attached(row.table), {"comment_id": comment_id})
        columns = ("comment_id", *row.values, row.stamp)
        await conn.execute(
            _insert_attached(row.table, columns),
            {"comment_id": comment_id, **row.values, row.stamp: now},
        )


@functools.cache
def _insert_attached(table: str, columns: tuple[str, ...]) -> Any:
    """The insert of these columns, built once per shape (the pipeline files one or two):
    building it per post cost more than running it."""
    return defined(insert(metadata.tables[table]).values({c: bindparam(c) for c in columns}))


@functools.cache
def _delete_attached(table: str) -> Any:
    rows = metadata.tables[table]
    return defined(delete(rows).where(rows.c.comment_id == bindparam("comment_id")))


async def locked(conn: Connection, comment_id: int) -> AnyRow | None:
    """The comment with its story's ids, locked for this transaction (PostgreSQL)."""
    return (
        await conn.execute(
            select(comments, stories.c.site_id, stories.c.story_key)
            .join(stories, stories.c.id == comments.c.story_id)
            .where(comments.c.id == comment_id)
            .with_for_update(of=comments)
        )
    ).first()


E = TypeVar("E", bound=CommentEvent)


def comment_event(event_type: type[E], row: AnyRow, /, **extra: Any) -> E:
    """A comment event about ``row`` (a ``locked`` row: the comment and its story's ids)."""
    fields: dict[str, Any] = {
        "comment_id": row.id,
        "story_id": row.story_id,
        "site_id": row.site_id,
        "story_key": row.story_key,
        "parent_id": row.parent_id,
        "account_id": row.account_id,
        "status": row.status,
    }
    fields.update(extra)
    return event_type(**fields)


class Draft(msgspec.Struct, frozen=True, kw_only=True):
    """A checked body on its way in: who, where, the text and its rendering."""

    viewer: Viewer
    story: Story
    text: str
    html: str
    client: str
    parent_id: int | None = None
    depth: int = 0


def moderation_context(
    runtime: Runtime,
    draft: Draft,
    *,
    parent_id: int | None,
    comment_id: int | None = None,
    previous_body: str | None = None,
) -> ModerationContext:
    now = runtime.clock.now()
    viewer, story = draft.viewer, draft.story
    return ModerationContext(
        site_id=story.site_id,
        story_id=story.id,
        story_key=story.story_key,
        story_premoderated=story.premoderated,
        account_id=viewer.account_id,
        author_role=viewer.role,
        author_status=account_status(viewer, now),
        plan_id=viewer.plan.id,
        body=draft.text,
        body_html=draft.html,
        parent_id=parent_id,
        comment_id=comment_id,
        previous_body=previous_body,
        client=draft.client,
        now=now,
    )


async def throttle_posts(runtime: Runtime, viewer: Viewer, client: str) -> None:
    cfg = runtime.settings.comments
    await throttle(
        runtime,
        "comments",
        viewer.account_id,
        client,
        limit=cfg.rate_limit_count,
        window=cfg.rate_limit_window_seconds,
    )
