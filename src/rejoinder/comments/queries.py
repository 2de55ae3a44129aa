"""Read side of comments: keyset pages, reply previews, replies, permalinks.

Every page is one index range scan (see the indexes on ``comments``): top-level comments of a
story, or replies of one comment, in ``published`` status, after the cursor, ``LIMIT n + 1``.
A signed-in author's own pending comments are merged into the pages they fall in.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, select, tuple_, union_all
from sqlalchemy.ext.asyncio import AsyncConnection

from rejoinder.comments import cursor as cursors
from rejoinder.comments.models import comment_reactions, comments
from rejoinder.comments.schemas import CommentView, Sort
from rejoinder.comments.views import COLUMNS, FROM, AnyRow, ViewRow, to_view
from rejoinder.settings import Settings

SORT_COLUMNS: dict[str, tuple[Any, bool]] = {
    "newest": (comments.c.created_at, True),
    "oldest": (comments.c.created_at, False),
    "reactions": (comments.c.reaction_count, True),
    "replies": (comments.c.reply_count, True),
}
PENDING_LIMIT = 200
MAX_ANCESTORS = 50


def sort_key(sort: str, row: ViewRow) -> tuple[int, int]:
    if sort in {"newest", "oldest"}:
        return cursors.micros(row.created_at), row.id
    return (row.reaction_count if sort == "reactions" else row.reply_count), row.id


def _after(sort: str, cursor: cursors.Cursor) -> ColumnElement[bool]:
    column, descending = SORT_COLUMNS[sort]
    key: Any = cursor.key
    if sort in {"newest", "oldest"}:
        key = cursors.from_micros(cursor.key)
    pair = tuple_(column, comments.c.id)
    return pair < (key, cursor.id) if descending else pair > (key, cursor.id)


def _ordered(stmt: Select[Any], sort: str) -> Select[Any]:
    column, descending = SORT_COLUMNS[sort]
    if descending:
        return stmt.order_by(column.desc(), comments.c.id.desc())
    return stmt.order_by(column, comments.c.id)


def _level(story_id: int, parent_id: int | None, status: str) -> Select[Any]:
    parent = (
        comments.c.parent_id.is_(None) if parent_id is None else (comments.c.parent_id == parent_id)
    )
    return (
        select(*COLUMNS)
        .select_from(FROM)
        .where(comments.c.story_id == story_id, parent, comments.c.status == status)
    )


async def level_page(
    conn: AsyncConnection,
    settings: Settings,
    *,
    story_id: int,
    parent_id: int | None,
    sort: Sort,
    limit: int,
    cursor: cursors.Cursor | None,
    viewer_id: int | None,
) -> tuple[list[CommentView], str | None]:
    """One page of a level (top-level comments, or the replies of ``parent_id``)."""
    stmt = _level(story_id, parent_id, "published")
    if cursor is not None:
        stmt = stmt.where(_after(sort, cursor))
    rows = list(await conn.execute(_ordered(stmt, sort).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more:
        key, last_id = sort_key(sort, rows[-1])
        next_cursor = cursors.encode(cursors.Cursor(sort, key, last_id))
    if viewer_id is not None:
        rows = await _with_own_pending(
            conn, rows, _Bounds(story_id, parent_id, sort, cursor, more), viewer_id
        )
    return [to_view(row, settings, viewer_id) for row in rows], next_cursor


class _Bounds(NamedTuple):
    story_id: int
    parent_id: int | None
    sort: str
    cursor: cursors.Cursor | None
    more: bool


async def _with_own_pending(
    conn: AsyncConnection, rows: list[AnyRow], bounds: _Bounds, viewer_id: int
) -> list[AnyRow]:
    """Merge the viewer's pending comments that fall between this page's bounds."""
    story_id, parent_id, sort, cursor, more = bounds
    stmt = _level(story_id, parent_id, "pending").where(comments.c.account_id == viewer_id)
    if cursor is not None:
        stmt = stmt.where(_after(sort, cursor))
    pending = list(await conn.execute(_ordered(stmt, sort).limit(PENDING_LIMIT)))
    if not pending:
        return rows
    descending = SORT_COLUMNS[sort][1]
    if more and rows:
        last = sort_key(sort, rows[-1])
        pending = [
            r
            for r in pending
            if (sort_key(sort, r) > last if descending else sort_key(sort, r) < last)
        ]
    merged = rows + pending
    merged.sort(key=lambda r: sort_key(sort, r), reverse=descending)
    return merged


async def attach_previews(
    conn: AsyncConnection,
    settings: Settings,
    story_id: int,
    views: list[CommentView],
    viewer_id: int | None,
) -> None:
    """The first few replies (oldest first) under each comment that has any: one query."""
    size = settings.comments.replies_preview
    parents = [v for v in views if v.reply_count > 0]
    if size and parents:
        parts = [
            _ordered(_level(story_id, v.id, "published"), "oldest").limit(size).subquery()
            for v in parents
        ]
        stmt = union_all(*(select(part) for part in parts))
        by_parent: dict[int, list[CommentView]] = {}
        for row in await conn.execute(stmt):
            by_parent.setdefault(row.parent_id, []).append(to_view(row, settings, viewer_id))
        for view in parents:
            view.replies = by_parent.get(view.id, [])
    if viewer_id is not None and views:
        await _attach_own_pending_replies(conn, settings, story_id, views, viewer_id)


async def _attach_own_pending_replies(
    conn: AsyncConnection,
    settings: Settings,
    story_id: int,
    views: list[CommentView],
    viewer_id: int,
) -> None:
    ids = [v.id for v in views]
    rows = await conn.execute(
        select(*COLUMNS)
        .select_from(FROM)
        .where(
            comments.c.account_id == viewer_id,
            comments.c.story_id == story_id,
            comments.c.status == "pending",
            comments.c.parent_id.in_(ids),
        )
        .order_by(comments.c.created_at, comments.c.id)
        .limit(PENDING_LIMIT)
    )
    by_id = {v.id: v for v in views}
    for row in rows:
        by_id[row.parent_id].replies.append(to_view(row, settings, viewer_id))


async def attach_reacted(conn: AsyncConnection, views: list[CommentView], viewer_id: int) -> None:
    """Mark the viewer's own reactions on every comment shown."""
    every = [*views, *(r for v in views for r in v.replies)]
    if not every:
        return
    rows = await conn.execute(
        select(comment_reactions.c.comment_id, comment_reactions.c.kind).where(
            comment_reactions.c.account_id == viewer_id,
            comment_reactions.c.comment_id.in_([v.id for v in every]),
        )
    )
    mine: dict[int, list[str]] = {}
    for row in rows:
        mine.setdefault(row.comment_id, []).append(row.kind)
    for view in every:
        view.reacted = sorted(mine.get(view.id, []))


async def comment_row(conn: AsyncConnection, comment_id: int) -> AnyRow | None:
    return (
        await conn.execute(select(*COLUMNS).select_from(FROM).where(comments.c.id == comment_id))
    ).first()


def visible(row: AnyRow, viewer_id: int | None) -> bool:
    """Published comments (tombstones too) for everyone; pending ones for their author."""
    if row.status == "published":
        return True
    return row.status == "pending" and viewer_id is not None and row.account_id == viewer_id


async def ancestors(
    conn: AsyncConnection, settings: Settings, row: AnyRow, viewer_id: int | None
) -> list[CommentView]:
    """Root first; one indexed lookup per level, at most ``MAX_ANCESTORS``."""
    chain: list[CommentView] = []
    parent_id = row.parent_id
    while parent_id is not None and len(chain) < MAX_ANCESTORS:
        parent = await comment_row(conn, parent_id)
        if parent is None:
            break
        chain.append(to_view(parent, settings, viewer_id))
        parent_id = parent.parent_id
    chain.reverse()
    return chain
