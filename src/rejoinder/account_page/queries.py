"""Read side of the account page: pending deletion, my comments, my data."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select

from rejoinder.account_page.models import deletion_requests
from rejoinder.account_page.schemas import (
    DataExport,
    DeletionView,
    MyComment,
    MyCommentsPage,
    RepliesReceived,
    ReplyReceived,
    StoryRef,
)
from rejoinder.accounts.models import accounts
from rejoinder.comments.models import (
    comment_reactions,
    comment_reports,
    comment_revisions,
    comments,
)
from rejoinder.notifications import preferences
from rejoinder.plans.models import plan_history
from rejoinder.profiles.models import display_name_history
from rejoinder.runtime import Runtime
from rejoinder.storage.database import Connection
from rejoinder.stories.models import stories

PAGE = 20
_STORY = (stories.c.site_id, stories.c.story_key, stories.c.title, stories.c.url)


async def deletion(conn: Connection, account_id: int) -> DeletionView:
    row = (
        await conn.execute(
            select(deletion_requests).where(deletion_requests.c.account_id == account_id)
        )
    ).first()
    if row is None:
        return DeletionView(pending=False)
    return DeletionView(pending=True, requested_at=row.requested_at, delete_after=row.delete_after)


def _story(row: Row[Any]) -> StoryRef:
    return StoryRef(site=row.site_id, id=row.story_key, title=row.title, url=row.url)


def _permalink(url: str, comment_id: int) -> str:
    return f"{url.split('#', 1)[0]}#comment-{comment_id}"


async def my_comments(runtime: Runtime, account_id: int, cursor: int | None) -> MyCommentsPage:
    """Newest first, every status (the author may see their pending and rejected ones)."""
    query = (
        select(comments, *_STORY)
        .join(stories, stories.c.id == comments.c.story_id)
        .where(comments.c.account_id == account_id, comments.c.status != "deleted")
        .order_by(comments.c.id.desc())
        .limit(PAGE + 1)
    )
    if cursor is not None:
        query = query.where(comments.c.id < cursor)
    async with runtime.db.read() as conn:
        rows = (await conn.execute(query)).all()
    items = [
        MyComment(
            id=row.id,
            story=_story(row),
            parent_id=row.parent_id,
            body_html="" if row.deleted_at else row.body_html,
            status=row.status,
            moderation_reason=row.moderation_reason if row.status != "published" else None,
            deleted=row.deleted_at is not None,
            created_at=row.created_at,
            edited_at=row.edited_at,
            reply_count=row.reply_count,
            reactions=json.loads(row.reactions or "{}"),
            permalink=_permalink(row.url, row.id),
        )
        for row in rows[:PAGE]
    ]
    more = len(rows) > PAGE
    return MyCommentsPage(comments=items, next_cursor=str(items[-1].id) if more else None)


async def replies_received(runtime: Runtime, account_id: int) -> RepliesReceived:
    """The latest published replies to my comments, by others."""
    mine = comments.alias("mine")
    query = (
        select(comments, accounts.c.display_name, *_STORY)
        .join(mine, mine.c.id == comments.c.parent_id)
        .join(stories, stories.c.id == comments.c.story_id)
        .outerjoin(accounts, accounts.c.id == comments.c.account_id)
        .where(
            mine.c.account_id == account_id,
            comments.c.status == "published",
            comments.c.deleted_at.is_(None),
            comments.c.account_id != account_id,
        )
        .order_by(comments.c.id.desc())
        .limit(PAGE)
    )
    async with runtime.db.read() as conn:
        rows = (await conn.execute(query)).all()
    return RepliesReceived(
        replies=[
            ReplyReceived(
                id=row.id,
                in_reply_to=row.parent_id,
                author=row.display_name,
                story=_story(row),
                body_html=row.body_html,
                created_at=row.created_at,
                permalink=_permalink(row.url, row.id),
            )
            for row in rows
        ]
    )


def _plain(row: Row[Any], *skip: str) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, datetime) else value
        for key, value in row._asdict().items()
        if key not in skip
    }


async def export(runtime: Runtime, account_id: int) -> DataExport:
    """Every row about the account, secrets (password hash, token hashes) left out."""
    async with runtime.db.read() as conn:
        account = (await conn.execute(select(accounts).where(accounts.c.id == account_id))).one()

        async def rows(query: Any, *skip: str) -> list[dict[str, Any]]:
            return [_plain(row, *skip) for row in (await conn.execute(query)).all()]

        own = select(comments.c.id).where(comments.c.account_id == account_id)
        return DataExport(
            exported_at=runtime.clock.now(),
            account=_plain(account, "password_hash", "display_name_key", "display_name_skeleton"),
            plan_history=await rows(
                select(plan_history).where(plan_history.c.account_id == account_id)
            ),
            display_name_history=await rows(
                select(display_name_history).where(display_name_history.c.account_id == account_id)
            ),
            notification_preferences=await preferences.read(conn, account_id),
            deletion=await deletion(conn, account_id),
            comments=await rows(
                select(comments, stories.c.site_id, stories.c.story_key, stories.c.url)
                .join(stories, stories.c.id == comments.c.story_id)
                .where(comments.c.account_id == account_id)
                .order_by(comments.c.id),
                "moderation_detail",
                "moderation_phase",
            ),
            comment_revisions=await rows(
                select(comment_revisions)
                .where(comment_revisions.c.comment_id.in_(own))
                .order_by(comment_revisions.c.id)
            ),
            reactions=await rows(
                select(comment_reactions).where(comment_reactions.c.account_id == account_id)
            ),
            reports=await rows(
                select(comment_reports).where(comment_reports.c.account_id == account_id)
            ),
        )
