"""The one data path: units of work on SQLite or PostgreSQL, behind one small class.

Every query and write is a SQLAlchemy Core statement, compiled once per dialect
(``storage.statements``) and run by the database's own driver: ``sqlite3`` on worker threads
(``storage.sqlite``), ``asyncpg`` prepared statements (``storage.postgres``). No module outside
``storage/`` imports a driver.

Two shapes of unit of work, the same statements in both::

    async with db.read() as conn:              # reads; one hop per statement
        row = (await conn.execute(STMT, {"id": 1})).first()
    async with db.transaction() as tx:         # a write transaction
        await tx.conn.execute(...)
        tx.emit(SomethingHappened(...))        # written to the event log in this transaction

    await db.run_read(work, *args)             # ``async def work(conn, *args)``: one hop
    await db.run_write(work, *args)            # ``async def work(tx, *args)``: one hop

A bulk load writes its rows with ``conn.copy(table, columns, rows)`` under ids from
``conn.reserve_ids(table, n)`` (``executemany`` on SQLite, ``COPY`` on PostgreSQL), inside
``async with db.bulk_writes():``.

A function unit of work may await only its connection (on SQLite it runs on the database
thread); checks, rendering and moderation happen before it, building the response after it.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol, TypeVar

from sqlalchemy.engine import make_url

from rejoinder.storage.connection import Connection, NoOutbox, Outbox, Transaction
from rejoinder.storage.postgres import PostgresDatabase
from rejoinder.storage.sqlite import SqliteDatabase

T = TypeVar("T")

__all__ = ["Connection", "Database", "Outbox", "Transaction", "open_database", "sync_url"]


def backend(url: str) -> str:
    name = make_url(url).get_backend_name()
    if name == "sqlite":
        return "sqlite"
    if name in {"postgresql", "postgres"}:
        return "postgresql"
    raise ValueError(f"unsupported database URL {url!r}: use sqlite:/// or postgresql://")


def sync_url(url: str) -> str:
    """The URL Alembic runs migrations with (its own engine, outside the service)."""
    parsed = make_url(url)
    if backend(url) == "sqlite":
        return str(parsed.set(drivername="sqlite"))
    return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


class Database(Protocol):
    """A database the service runs on (see the module docstring)."""

    dialect: str
    outbox: Outbox

    def read(self) -> AbstractAsyncContextManager[Connection]: ...

    def transaction(self) -> AbstractAsyncContextManager[Transaction]: ...

    async def run_read(self, work: Callable[..., Awaitable[T]], *args: Any) -> T: ...

    async def run_write(self, work: Callable[..., Awaitable[T]], *args: Any) -> T: ...

    def bulk_writes(self) -> AbstractAsyncContextManager[None]:
        """Settings for a bulk load (an import) while it runs, restored after."""
        ...

    async def close(self) -> None: ...


def sqlite_readers(pool_size: int) -> int:
    """SQLite's reader threads: as many as the cores this process may run on, at least two (so
    one long read does not hold up the short ones behind it), at most ``pool_size``.

    More threads than cores add no parallelism (SQLite's C work is what runs beside the event
    loop) but cost GIL hand-offs: on two cores, eight readers against two made every read unit
    about 40 % dearer in CPU and posts 14 % slower (``docs/performance.md``, seventh session)."""
    return max(1, min(pool_size, max(2, _cores())))


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):  # Linux: the cores this process is pinned to
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def open_database(url: str, *, pool_size: int = 10, outbox: Outbox | None = None) -> Database:
    """The database at ``url``; its events go to ``outbox`` (none: events are dropped)."""
    box = outbox or NoOutbox()
    if backend(url) == "sqlite":
        database = make_url(url).database or ""
        return SqliteDatabase(database, box, read_workers=sqlite_readers(pool_size))
    return PostgresDatabase(url, box, pool_size=pool_size)
