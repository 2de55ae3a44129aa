"""Public pages straight from SQLite: one thread hop and plain ``sqlite3`` per page.

STACK.md measured what a data layer costs on this path: building SQLAlchemy statements and one
aiosqlite thread hop per statement took most of an uncached page. For the hottest public read
(a story's page for an anonymous reader) SQLite databases use this reader instead: a few small
thread-local read-only connections, every statement of a page in one worker call, rows as
named tuples that ``comments.views.to_view`` reads like SQLAlchemy rows. Same SQL, same indexes,
same output; PostgreSQL and signed-in reads use ``comments.queries``. Other hot reads run on the
same connections through ``SqliteReader.call``: the bearer-token lookup of every signed-in
request (``accounts.dependencies``) and the reads before a post (``comments.gate``).
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, NamedTuple, TypeVar

from rejoinder.comments import cursor as cursors
from rejoinder.comments.views import COLUMNS, CommentRow
from rejoinder.stories.queries import StoryRow

T = TypeVar("T")

_SELECT = ", ".join(f"{'a' if c.table.name == 'accounts' else 'c'}.{c.name}" for c in COLUMNS)
_FROM = "comments c LEFT JOIN accounts a ON a.id = c.account_id"
_ORDER = {
    "newest": ("c.created_at", "DESC"),
    "oldest": ("c.created_at", "ASC"),
    "reactions": ("c.reaction_count", "DESC"),
    "replies": ("c.reply_count", "DESC"),
}
_TIMES = frozenset({"created_at", "edited_at", "deleted_at", "close_at", "published_at"})
_STORY_COLUMNS = (
    "id",
    "site_id",
    "story_key",
    "title",
    "url",
    "section",
    "status",
    "close_at",
    "published_at",
    "message",
    "premoderated",
    "comment_count",
    "created_at",
)


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


def _stored(moment: datetime) -> str:
    """The text SQLAlchemy stores UTC datetimes as on SQLite (see ``UtcDateTime``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _factory(shape: type[Any]) -> Callable[[sqlite3.Cursor, tuple[Any, ...]], Any]:
    times = [i for i, name in enumerate(shape._fields) if name in _TIMES]

    def make(_: sqlite3.Cursor, row: tuple[Any, ...]) -> Any:
        if times:
            values = list(row)
            for i in times:
                values[i] = _time(values[i])
            return shape(*values)
        return shape(*row)

    return make


_comment_row = _factory(CommentRow)
_story_row = _factory(StoryRow)


_COMMENT_SQL = f"SELECT {_SELECT} FROM {_FROM} WHERE c.id = ?"  # noqa: S608 - constant
_STORY_SQL = (
    f"SELECT {', '.join(_STORY_COLUMNS)} FROM stories "  # noqa: S608 - constant column names
    "WHERE site_id = ? AND story_key = ?"
)


def story_row(conn: sqlite3.Connection, site_id: str, story_key: str) -> StoryRow | None:
    cur = conn.execute(_STORY_SQL, (site_id, story_key))
    cur.row_factory = _story_row
    rows: list[StoryRow] = cur.fetchall()
    return rows[0] if rows else None


def comment_row(conn: sqlite3.Connection, comment_id: int) -> CommentRow | None:
    """``comments.queries.comment_row`` on a plain ``sqlite3`` connection."""
    cur = conn.execute(_COMMENT_SQL, (comment_id,))
    cur.row_factory = _comment_row
    rows: list[CommentRow] = cur.fetchall()
    return rows[0] if rows else None


class _Ask(NamedTuple):
    site_id: str
    story_key: str
    sort: str
    limit: int
    after: cursors.Cursor | None
    preview: int


class Level(NamedTuple):
    story: StoryRow
    rows: list[CommentRow]
    previews: list[CommentRow]


class SqliteReader:
    """Reads public pages on a small pool of threads, each with its own connection."""

    def __init__(self, path: str, workers: int = 4) -> None:
        self._path = path
        self._local = threading.local()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rejoinder-read")
        self._union: dict[int, str] = {}

    def close(self) -> None:
        self._pool.shutdown(wait=False)

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(connection, *args)`` on a read worker: other domains' hot reads, in one hop
        (e.g. ``accounts.queries.sqlite_viewer_for_token``)."""
        return await self._run(self._call, fn, args)

    def _call(self, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        return fn(self._conn(), *args)

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA query_only = ON")
            conn.execute("PRAGMA busy_timeout = 10000")
            self._local.conn = conn
        return conn

    async def first_level(
        self,
        site_id: str,
        *,
        story_key: str,
        sort: str,
        limit: int,
        after: cursors.Cursor | None,
        preview: int,
    ) -> Level | None:
        """The story, one page of its top-level comments (``limit + 1`` rows: the extra one
        says there is more) and up to ``preview`` replies under each; ``None`` if no story."""
        return await self._run(
            self._first_level, _Ask(site_id, story_key, sort, limit, after, preview)
        )

    def _first_level(self, ask: _Ask) -> Level | None:
        site_id, story_key, sort, limit, after, preview = ask
        conn = self._conn()
        story = story_row(conn, site_id, story_key)
        if story is None:
            return None
        column, direction = _ORDER[sort]
        sql = (
            f"SELECT {_SELECT} FROM {_FROM} WHERE c.story_id = ? AND c.parent_id IS NULL "  # noqa: S608
            "AND c.status = 'published'"
        )
        params: list[Any] = [story.id]
        if after is not None:
            key: Any = after.key
            if sort in {"newest", "oldest"}:
                key = _stored(cursors.from_micros(after.key))
            sql += f" AND ({column}, c.id) {'<' if direction == 'DESC' else '>'} (?, ?)"
            params += [key, after.id]
        sql += f" ORDER BY {column} {direction}, c.id {direction} LIMIT ?"
        params.append(limit + 1)
        cur = conn.execute(sql, params)
        cur.row_factory = _comment_row
        rows: list[CommentRow] = cur.fetchall()
        parents = [r.id for r in rows[:limit] if r.reply_count > 0]
        previews: list[CommentRow] = []
        if parents and preview:
            cur = conn.execute(
                self._previews_sql(len(parents)),
                [v for p in parents for v in (story.id, p, preview)],
            )
            cur.row_factory = _comment_row
            previews = cur.fetchall()
        return Level(story, rows, previews)

    def _previews_sql(self, count: int) -> str:
        sql = self._union.get(count)
        if sql is None:
            one = (
                f"SELECT * FROM (SELECT {_SELECT} FROM {_FROM} WHERE c.story_id = ? AND "  # noqa: S608
                "c.parent_id = ? AND c.status = 'published' "
                "ORDER BY c.created_at, c.id LIMIT ?)"
            )
            sql = self._union[count] = " UNION ALL ".join([one] * count)
        return sql


def sqlite_reader(url: str) -> SqliteReader | None:
    """The fast reader for a SQLite file database; ``None`` for anything else."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return SqliteReader(parsed.database)
