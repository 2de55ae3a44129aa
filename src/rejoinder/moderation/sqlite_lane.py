"""The pipeline's two per-comment statements on SQLite, in one thread hop each.

Measured on the write path: the facts query through SQLAlchemy + aiosqlite, and the check
record as its own transaction, cost more than the whole comment insert (each statement,
``BEGIN`` and ``COMMIT`` is a thread hop). On a SQLite file database the pipeline uses this
lane instead: the *same* SQL (compiled once from ``moderation.facts``), plain ``sqlite3``, one
read thread with its own read-only connection and one write thread. PostgreSQL keeps the
SQLAlchemy path.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import make_url

from rejoinder.moderation.facts import facts_statement

T = TypeVar("T")
# Id lists travel as one JSON array parameter: the SQL text never changes.
_STORED = (
    "SELECT c.id, c.account_id, c.moderation_detail, c.status, c.moderation_phase, s.site_id "
    "FROM comments c JOIN stories s ON s.id = c.story_id "
    "WHERE c.id IN (SELECT value FROM json_each(?))"
)
_DELETE = "DELETE FROM comment_checks WHERE comment_id IN (SELECT value FROM json_each(?))"
_INSERT = (
    "INSERT INTO comment_checks "
    "(comment_id, account_id, text_hash, toxicity, flagged, trace, checked_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_AUDIT = (
    "INSERT INTO audit_log (created_at, actor_name, action, site_id, comment_id, account_id, "
    "after, reason) VALUES (?, 'pipeline', ?, ?, ?, ?, ?, ?)"
)
Filer = Callable[[list[tuple[Any, ...]]], tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]


def stored(moment: datetime) -> str:
    """The text SQLAlchemy stores UTC datetimes as on SQLite (``UtcDateTime``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def parsed_time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


# One read thread and one write thread per process, whatever the number of databases (tests
# open hundreds); each keeps a few connections, least recently used closed first.
_POOLS: dict[str, ThreadPoolExecutor] = {}
_LOCAL = threading.local()
_MAX_CONNECTIONS = 8


def _pool(name: str) -> ThreadPoolExecutor:
    pool = _POOLS.get(name)
    if pool is None:
        pool = _POOLS[name] = ThreadPoolExecutor(1, thread_name_prefix=f"rejoinder-mod-{name}")
    return pool


def _connection(path: str, *, read_only: bool) -> sqlite3.Connection:
    """This thread's connection to ``path`` (each lane thread uses one mode only)."""
    cache: OrderedDict[str, sqlite3.Connection] | None = getattr(_LOCAL, "cache", None)
    if cache is None:
        cache = _LOCAL.cache = OrderedDict()
    conn = cache.get(path)
    if conn is not None:
        cache.move_to_end(path)
        return conn
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 10000")
    if read_only:
        conn.execute("PRAGMA query_only = ON")
    cache[path] = conn
    while len(cache) > _MAX_CONNECTIONS:
        cache.popitem(last=False)[1].close()
    return conn


class SqliteLane:
    def __init__(self, path: str) -> None:
        self.path = path
        compiled = facts_statement().compile(dialect=sqlite.dialect(paramstyle="named"))
        self.facts_sql = str(compiled)
        self.defaults = dict(compiled.params)

    async def _on(self, pool: str, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(_pool(pool), fn, *args)

    async def facts(self, params: dict[str, Any]) -> tuple[Any, ...]:
        values = {**self.defaults}
        for key, value in params.items():
            values[key] = stored(value) if isinstance(value, datetime) else value
        row: tuple[Any, ...] = await self._on("read", self._facts, values)
        return (row[0], parsed_time(row[1]), *row[2:])

    def _facts(self, values: dict[str, Any]) -> tuple[Any, ...]:
        conn = _connection(self.path, read_only=True)
        row: tuple[Any, ...] | None = conn.execute(self.facts_sql, values).fetchone()
        if row is None:
            raise LookupError("story not found")
        return row

    async def file(self, filer: Filer, comment_ids: list[int], now: datetime) -> None:
        """Replace the check rows of ``comment_ids`` and audit the pipeline's holds and
        rejections; ``filer`` turns the stored rows into both (the caller decodes records)."""
        await self._on("write", self._file, filer, comment_ids, stored(now))

    def _file(self, filer: Filer, comment_ids: list[int], now: str) -> None:
        conn = _connection(self.path, read_only=False)
        conn.execute("BEGIN IMMEDIATE")
        try:
            checks, audits = filer(conn.execute(_STORED, (json.dumps(comment_ids),)).fetchall())
            if checks:
                conn.execute(_DELETE, (json.dumps([row[0] for row in checks]),))
                conn.executemany(_INSERT, [(*row, now) for row in checks])
            if audits:
                conn.executemany(_AUDIT, [(now, *row) for row in audits])
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def sqlite_lane(url: str) -> SqliteLane | None:
    """The lane for a SQLite file database; ``None`` for anything else."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return SqliteLane(parsed.database)
