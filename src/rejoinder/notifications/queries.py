"""Read side of in-page notifications: a reader's list, newest first, and the unread count."""

from __future__ import annotations

from sqlalchemy import bindparam, func, select

from rejoinder.accounts.models import accounts
from rejoinder.notifications.consumer import permalink
from rejoinder.notifications.models import notifications
from rejoinder.notifications.schemas import (
    Actor,
    NotificationItem,
    NotificationsPage,
    StoryLink,
)
from rejoinder.storage.database import Connection
from rejoinder.storage.statements import defined
from rejoinder.stories.models import stories

PAGE = 20
actor = accounts.alias("actor")
_LIST = (
    select(
        notifications,
        stories.c.story_key,
        stories.c.title,
        stories.c.url,
        actor.c.display_name,
    )
    .select_from(notifications)
    .join(stories, stories.c.id == notifications.c.story_id)
    .outerjoin(actor, actor.c.id == notifications.c.actor_id)
    .where(notifications.c.account_id == bindparam("account_id"))
    .order_by(notifications.c.id.desc())
    .limit(PAGE + 1)
)
FIRST = defined(_LIST)
AFTER = defined(_LIST.where(notifications.c.id < bindparam("cursor")))
UNREAD = defined(
    select(func.count())
    .select_from(notifications)
    .where(notifications.c.account_id == bindparam("account_id"), notifications.c.read_at.is_(None))
)


async def unread(conn: Connection, account_id: int) -> int:
    return int((await conn.execute(UNREAD, {"account_id": account_id})).scalar() or 0)


async def page(conn: Connection, account_id: int, cursor: int | None) -> NotificationsPage:
    if cursor is None:
        rows = (await conn.execute(FIRST, {"account_id": account_id})).all()
    else:
        rows = (await conn.execute(AFTER, {"account_id": account_id, "cursor": cursor})).all()
    items = [
        NotificationItem(
            id=row.id,
            kind=row.kind,
            comment_id=row.comment_id,
            story=StoryLink(id=row.story_key, title=row.title or row.url, url=row.url),
            actor=Actor(display_name=row.display_name) if row.actor_id is not None else None,
            created_at=row.created_at,
            read=row.read_at is not None,
            permalink=permalink(row.url, row.comment_id),
            outcome=row.outcome,
            reason=row.reason,
        )
        for row in rows[:PAGE]
    ]
    more = len(rows) > PAGE
    return NotificationsPage(
        unread=await unread(conn, account_id),
        items=items,
        next_cursor=str(items[-1].id) if more else None,
    )
