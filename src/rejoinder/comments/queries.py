"""Read side of comments: keyset pages, reply previews, a reader's overlay, permalinks.

Every page is one index range scan (see the indexes on ``comments``): top-level comments of a
story, or replies of one comment, in ``published`` status, after the cursor, ``LIMIT n + 1``.
The statements are defined once per shape (sort, cursor or not) with bind parameters, so each
is compiled once per database and only bound per call.

A signed-in reader sees the public page plus an overlay read with one indexed query each:
their own reactions on the comments shown and their own pending comments (``own_overlay``).
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, null, select, tuple_, union, union_all
from sqlalchemy.sql.elements import ColumnElement

from rejoinder.comments import cursor as cursors
from rejoinder.comments.models import comment_reactions, comments
from rejoinder.comments.rows import COLUMNS, FROM, ViewRow
from rejoinder.storage.database import Connection
from rejoinder.storage.statements import defined

SORT_COLUMNS: dict[str, tuple[Any, bool]] = {
    "newest": (comments.c.created_at, True),
    "oldest": (comments.c.created_at, False),
    "reactions": (comments.c.reaction_count, True),
    "replies": (comments.c.reply_count, True),
}
PENDING_LIMIT = 200
MAX_ANCESTORS = 50
MAX_PREVIEW_PARENTS = 200


def sort_key(sort: str, row: Any) -> tuple[int, int]:
    """The keyset position of a row or a view: (sort column, id)."""
    if sort in {"newest", "oldest"}:
        return cursors.micros(row.created_at), row.id
    return (row.reaction_count if sort == "reactions" else row.reply_count), row.id


def cursor_params(sort: str, cursor: cursors.Cursor) -> dict[str, Any]:
    key: Any = cursor.key
    if sort in {"newest", "oldest"}:
        key = cursors.from_micros(cursor.key)
    return {"after_key": key, "after_id": cursor.id}


def _after(sort: str) -> ColumnElement[bool]:
    column, descending = SORT_COLUMNS[sort]
    pair = tuple_(column, comments.c.id)
    bound = tuple_(bindparam("after_key", type_=column.type), bindparam("after_id"))
    return pair < bound if descending else pair > bound


def _ordered(stmt: Select[Any], sort: str) -> Select[Any]:
    column, descending = SORT_COLUMNS[sort]
    if descending:
        return stmt.order_by(column.desc(), comments.c.id.desc())
    return stmt.order_by(column, comments.c.id)


@functools.cache
def level_statement(sort: str, *, top: bool, after: bool, own: bool = False) -> Select[Any]:
    """One page of a level: top-level comments of ``story_id``, or replies of ``parent_id``,
    in ``status``; after the cursor (``after_key``, ``after_id``); ``size`` rows. ``own``
    keeps the comments of ``account_id`` only (a reader's pending comments)."""
    parent = (
        comments.c.parent_id.is_(None) if top else comments.c.parent_id == bindparam("parent_id")
    )
    stmt = (
        select(*COLUMNS)
        .select_from(FROM)
        .where(
            comments.c.story_id == bindparam("story_id"),
            parent,
            comments.c.status == bindparam("status"),
        )
    )
    if own:
        stmt = stmt.where(comments.c.account_id == bindparam("account_id"))
    if after:
        stmt = stmt.where(_after(sort))
    return defined(_ordered(stmt, sort).limit(bindparam("size")))


@functools.lru_cache(maxsize=MAX_PREVIEW_PARENTS)
def previews_statement(count: int) -> Any:
    """The first ``size`` replies (oldest first) of each of ``count`` parents, in one query:
    one index range scan per parent, whatever the size of the thread."""
    parts = [
        _ordered(
            select(*COLUMNS)
            .select_from(FROM)
            .where(
                comments.c.story_id == bindparam("story_id"),
                comments.c.parent_id == bindparam(f"p{i}"),
                comments.c.status == "published",
            ),
            "oldest",
        )
        .limit(bindparam("size"))
        .subquery()
        for i in range(count)
    ]
    return defined(union_all(*(select(part) for part in parts)))


BY_ID = defined(select(*COLUMNS).select_from(FROM).where(comments.c.id == bindparam("comment_id")))

OWN_REACTIONS = defined(
    select(comment_reactions.c.comment_id, comment_reactions.c.kind).where(
        comment_reactions.c.account_id == bindparam("account_id"),
        comment_reactions.c.comment_id.in_(bindparam("ids", expanding=True)),
    )
)

# The overlay in one round trip: the reader's reactions on the comments shown, and the ids of
# their pending comments on the story (``kind`` NULL); the pending rows are read only if any.
OWN_MARKS = defined(
    union_all(
        select(comment_reactions.c.comment_id, comment_reactions.c.kind).where(
            comment_reactions.c.account_id == bindparam("account_id"),
            comment_reactions.c.comment_id.in_(bindparam("ids", expanding=True)),
        ),
        select(comments.c.id, null().label("kind")).where(
            comments.c.account_id == bindparam("account_id"),
            comments.c.story_id == bindparam("story_id"),
            comments.c.status == "pending",
        ),
    )
)

# Everyone the overlay could mark on a page: reactors on its comments, authors of held comments
# on its story. A reader outside this set sees the shared page as it is, with no read of theirs.
PARTICIPANTS = defined(
    union(
        select(comment_reactions.c.account_id).where(
            comment_reactions.c.comment_id.in_(bindparam("ids", expanding=True))
        ),
        select(comments.c.account_id).where(
            comments.c.story_id == bindparam("story_id"),
            comments.c.status == "pending",
            comments.c.account_id.is_not(None),
        ),
    )
)

OWN_PENDING = defined(
    select(*COLUMNS)
    .select_from(FROM)
    .where(
        comments.c.account_id == bindparam("account_id"),
        comments.c.story_id == bindparam("story_id"),
        comments.c.status == "pending",
    )
    .order_by(comments.c.created_at, comments.c.id)
    .limit(PENDING_LIMIT)
)


class LevelRows(NamedTuple):
    rows: list[ViewRow]  # at most ``limit``
    more: bool


async def level_rows(
    conn: Connection,
    *,
    story_id: int,
    parent_id: int | None,
    sort: str,
    limit: int,
    cursor: cursors.Cursor | None,
) -> LevelRows:
    params: dict[str, Any] = {"story_id": story_id, "status": "published", "size": limit + 1}
    if parent_id is not None:
        params["parent_id"] = parent_id
    if cursor is not None:
        params.update(cursor_params(sort, cursor))
    stmt = level_statement(sort, top=parent_id is None, after=cursor is not None)
    rows = (await conn.execute(stmt, params)).all()
    return LevelRows(rows[:limit], len(rows) > limit)


async def preview_rows(
    conn: Connection, story_id: int, parent_ids: list[int], size: int
) -> list[ViewRow]:
    """Up to ``size`` replies under each parent, oldest first."""
    out: list[ViewRow] = []
    for start in range(0, len(parent_ids), MAX_PREVIEW_PARENTS):
        chunk = parent_ids[start : start + MAX_PREVIEW_PARENTS]
        params: dict[str, Any] = {"story_id": story_id, "size": size}
        params.update({f"p{i}": parent for i, parent in enumerate(chunk)})
        out.extend((await conn.execute(previews_statement(len(chunk)), params)).all())
    return out


async def own_reactions(conn: Connection, account_id: int, ids: list[int]) -> dict[int, list[str]]:
    mine: dict[int, list[str]] = {}
    if ids:
        rows = await conn.execute(OWN_REACTIONS, {"account_id": account_id, "ids": ids})
        for row in rows:
            mine.setdefault(row.comment_id, []).append(row.kind)
    return {key: sorted(kinds) for key, kinds in mine.items()}


async def participants(conn: Connection, story_id: int, ids: list[int]) -> frozenset[int]:
    """The accounts an overlay of this page could mark (``PARTICIPANTS``)."""
    rows = await conn.execute(PARTICIPANTS, {"story_id": story_id, "ids": ids or [0]})
    return frozenset(row.account_id for row in rows)


async def own_marks(
    conn: Connection, account_id: int, story_id: int, ids: list[int]
) -> tuple[dict[int, list[str]], bool]:
    """The reader's reactions on ``ids``, and whether they have pending comments here."""
    mine: dict[int, list[str]] = {}
    pending = False
    rows = await conn.execute(
        OWN_MARKS, {"account_id": account_id, "story_id": story_id, "ids": ids or [0]}
    )
    for row in rows:
        if row.kind is None:
            pending = True
        else:
            mine.setdefault(row.comment_id, []).append(row.kind)
    return {key: sorted(kinds) for key, kinds in mine.items()}, pending


async def own_pending(conn: Connection, account_id: int, story_id: int) -> list[ViewRow]:
    """The reader's own comments still held for moderation on this story (all levels)."""
    return (await conn.execute(OWN_PENDING, {"account_id": account_id, "story_id": story_id})).all()


async def comment_row(conn: Connection, comment_id: int) -> ViewRow | None:
    return (await conn.execute(BY_ID, {"comment_id": comment_id})).first()


def visible(row: ViewRow, viewer_id: int | None) -> bool:
    """Published comments (tombstones too) for everyone; pending ones for their author."""
    if row.status == "published":
        return True
    return row.status == "pending" and viewer_id is not None and row.account_id == viewer_id


async def ancestor_rows(conn: Connection, row: ViewRow) -> list[ViewRow]:
    """Root first; one indexed lookup per level, at most ``MAX_ANCESTORS``."""
    chain: list[ViewRow] = []
    parent_id = row.parent_id
    while parent_id is not None and len(chain) < MAX_ANCESTORS:
        parent = await comment_row(conn, parent_id)
        if parent is None:
            break
        chain.append(parent)
        parent_id = parent.parent_id
    chain.reverse()
    return chain
