"""The pipeline's per-comment facts query on SQLite, in one thread hop.

Measured on the write path: the facts query through SQLAlchemy + aiosqlite cost more than the
whole comment insert (each statement is a thread hop). On a SQLite file database the pipeline
uses this lane instead: the *same* SQL (compiled once from ``moderation.facts``), plain
``sqlite3``, one read thread with its own read-only connection. PostgreSQL keeps the SQLAlchemy
path. (The check rows are written with the comment, in ``comments.fastwrite``.)
"""

from __future__ import annotations

import asyncio
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


def stored(moment: datetime) -> str:
    """The text SQLAlchemy stores UTC datetimes as on SQLite (``UtcDateTime``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def parsed_time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


# One read thread per process, whatever the number of databases (tests
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


def sqlite_lane(url: str) -> SqliteLane | None:
    """The lane for a SQLite file database; ``None`` for anything else."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return SqliteLane(parsed.database)
