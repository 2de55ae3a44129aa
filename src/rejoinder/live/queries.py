"""Reading the event log for a resuming stream: one index range scan on (story_id, id)."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import bindparam, func, select

from rejoinder.events.models import events
from rejoinder.storage.database import Connection
from rejoinder.storage.statements import defined

HEAD = defined(select(func.max(events.c.id)))
OLDEST = defined(select(func.min(events.c.id)))
STORY_AFTER = defined(
    select(events.c.id, events.c.payload)
    .where(events.c.story_id == bindparam("story_id"), events.c.id > bindparam("after"))
    .order_by(events.c.id)
    .limit(bindparam("size"))
)


class Logged(NamedTuple):
    id: int
    payload: str


class Window(NamedTuple):
    """The log's extent now: ``oldest`` is None when it is empty."""

    oldest: int | None
    head: int


async def window(conn: Connection) -> Window:
    oldest = (await conn.execute(OLDEST)).scalar()
    head = (await conn.execute(HEAD)).scalar()
    return Window(None if oldest is None else int(oldest), int(head or 0))


async def story_events_after(
    conn: Connection, story_id: int, after: int, size: int
) -> list[Logged]:
    rows = await conn.execute(STORY_AFTER, {"story_id": story_id, "after": after, "size": size})
    return [Logged(int(row.id), row.payload) for row in rows]
