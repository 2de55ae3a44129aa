"""Connections and transactions on SQLite or PostgreSQL, behind one small class.

SQLite allows one writer at a time. Writers here go through their own single-connection engine
that starts transactions with ``BEGIN IMMEDIATE``, so two writers queue in the pool instead of
failing with "database is locked" half-way through. Readers use WAL snapshots and never wait.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from rejoinder.kernel.events import Event, EventBus


def async_url(url: str) -> str:
    """Map the operator's plain URL to the async driver we use for it."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return str(parsed.set(drivername="sqlite+aiosqlite"))
    if backend in {"postgresql", "postgres"}:
        return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
    raise ValueError(f"unsupported database URL {url!r}: use sqlite:/// or postgresql://")


def sync_url(url: str) -> str:
    """The synchronous URL Alembic runs migrations with."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return str(parsed.set(drivername="sqlite"))
    return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _begin_immediate(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


class Transaction:
    """A write transaction: a connection plus the events to publish once it commits."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.events: list[Event] = []

    def emit(self, event: Event) -> None:
        self.events.append(event)


class Database:
    def __init__(self, url: str, bus: EventBus, *, pool_size: int = 10, echo: bool = False):
        self.url = url
        self.bus = bus
        target = async_url(url)
        self.dialect = make_url(target).get_backend_name()
        if self.dialect == "sqlite":
            self._reader = create_async_engine(target, echo=echo, pool_size=pool_size)
            self._writer = create_async_engine(target, echo=echo, pool_size=1, max_overflow=0)
            event.listen(self._reader.sync_engine, "connect", _sqlite_pragmas)
            event.listen(self._writer.sync_engine, "connect", _sqlite_pragmas)
            event.listen(self._writer.sync_engine, "begin", _begin_immediate)
        else:
            kwargs: dict[str, Any] = {"pool_size": pool_size, "max_overflow": pool_size}
            if pool_size == 0:
                kwargs = {"poolclass": NullPool}
            self._reader = create_async_engine(target, echo=echo, **kwargs)
            self._writer = self._reader

    @property
    def engine(self) -> AsyncEngine:
        return self._writer

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A connection for reads; on SQLite it sees a consistent WAL snapshot per statement."""
        async with self._reader.connect() as conn:
            yield conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """A write transaction; its events are published only after a successful commit."""
        async with self._writer.begin() as conn:
            tx = Transaction(conn)
            yield tx
        for item in tx.events:
            await self.bus.publish(item)

    async def close(self) -> None:
        await self._reader.dispose()
        if self._writer is not self._reader:
            await self._writer.dispose()
