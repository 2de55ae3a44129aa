"""SQLite: stdlib ``sqlite3`` on worker threads (``storage.lanes``), one writer, WAL readers.

SQLite allows one writer at a time: writes run on a single writer thread with its own
connection, each transaction started with ``BEGIN IMMEDIATE`` (so a writer queues instead of
failing half-way with "database is locked", also against another process) and serialised in
this process by an asyncio lock. Reads run on a few threads, each with its own read-only
connection on the WAL, and never wait for the writer.

A unit of work given as a function (``run_read``/``run_write``) runs start to end on the
worker thread: one thread hop for all of its statements, where going through the event loop
per statement cost most of a page or a post. The ``read()``/``transaction()`` context managers
hop once per statement, for the many places where that does not matter.

Writes given as functions **commit in groups** (``storage.groups``): the units that queued
while the writer was busy run in one transaction on the writer thread, each inside its own
savepoint, and commit once. The group lock is the writer's own lock, which ``transaction()``
takes too.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError

from rejoinder.storage.connection import Connection, Outbox, Transaction, drive
from rejoinder.storage.groups import GroupCommit, Outcome, Queued
from rejoinder.storage.lanes import Lane
from rejoinder.storage.results import Result
from rejoinder.storage.statements import Bound, Copier, Prepared, StatementCache

T = TypeVar("T")

PRAGMAS = ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=10000")
CACHE_PAGES = "cache_size=-2000"  # SQLite's default page cache: 2 MB a connection
BULK_CACHE = "cache_size=-32768"  # during a bulk load (``bulk_writes``), for the writer: 32 MB


def _run(raw: sqlite3.Connection, prepared: Prepared, sql: str, args: Any, many: bool) -> Result:
    try:
        if many:
            cursor = raw.executemany(sql, args)
            return Result(None, cursor.rowcount)
        cursor = raw.execute(sql, args)
        if prepared.returns_rows:
            make = prepared.make_row
            assert make is not None
            rows = [make(row) for row in cursor.fetchall()]
            return Result(rows, cursor.rowcount)
        return Result(None, cursor.rowcount)
    except sqlite3.IntegrityError as error:
        raise IntegrityError(sql, args, error) from error
    except sqlite3.OperationalError as error:
        raise OperationalError(sql, args, error) from error
    except sqlite3.DatabaseError as error:
        raise DatabaseError(sql, args, error) from error


def _copy(raw: sqlite3.Connection, copier: Copier, rows: Any) -> None:
    try:
        raw.executemany(copier.sql, copier.positional(rows))
    except sqlite3.IntegrityError as error:
        raise IntegrityError(copier.sql, None, error) from error
    except sqlite3.OperationalError as error:
        raise OperationalError(copier.sql, None, error) from error


def _reserve_ids(raw: sqlite3.Connection, table: str, count: int) -> list[int]:
    # The writer holds the database (BEGIN IMMEDIATE): nobody else can take these rowids
    # before this transaction inserts them; if it rolls back, nobody had them.
    assert raw.in_transaction, "reserve_ids outside a write transaction"
    (top,) = raw.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"').fetchone()  # noqa: S608 - a table name of ours
    return list(range(int(top) + 1, int(top) + 1 + count))


class SqliteConnection(Connection):
    dialect = "sqlite"

    def __init__(
        self,
        statements: StatementCache,
        *,
        raw: sqlite3.Connection | None = None,
        hop: Callable[..., Any] | None = None,
        call: Callable[..., Any] | None = None,
    ) -> None:
        super().__init__(statements)
        self._raw = raw  # set: we are on the connection's thread, statements run inline
        self._hop = hop  # else: run each statement on the thread through this
        self._call = call  # and ``fn(raw, *args)`` on the thread through this (writes only)

    async def _run(self, prepared: Prepared, bound: Bound) -> Result:
        if self._raw is not None:
            return _run(self._raw, prepared, bound.sql, bound.args, many=False)
        assert self._hop is not None
        result: Result = await self._hop(prepared, bound.sql, bound.args, False)  # noqa: FBT003 - many
        return result

    async def _run_many(self, prepared: Prepared, args: list[tuple[Any, ...]], sql: str) -> Result:
        if self._raw is not None:
            return _run(self._raw, prepared, sql, args, many=True)
        assert self._hop is not None
        result: Result = await self._hop(prepared, sql, args, True)  # noqa: FBT003 - many
        return result

    async def _copy(self, copier: Copier, rows: Any) -> None:
        await self._inline(_copy, copier, rows)

    async def _reserve_ids(self, table: str, count: int) -> list[int]:
        ids: list[int] = await self._inline(_reserve_ids, table, count)
        return ids

    async def _inline(self, fn: Callable[..., T], *args: Any) -> T:
        if self._raw is not None:
            return fn(self._raw, *args)
        if self._call is None:
            raise RuntimeError("a bulk write needs a write transaction")
        result: T = await self._call(fn, *args)
        return result


class SqliteDatabase:
    """One SQLite file: its threads, connections and PRAGMAs."""

    dialect = "sqlite"

    def __init__(self, path: str, outbox: Outbox, *, read_workers: int = 4) -> None:
        if path in ("", ":memory:"):
            raise ValueError("Rejoinder needs a SQLite file (sqlite:///path/to/file.sqlite3)")
        self.path = path
        self.outbox = outbox
        self.statements = StatementCache(SQLiteDialect_pysqlite())
        self._read_workers = read_workers
        self._readers: Lane | None = None
        self._writer: Lane | None = None
        self._write_lock = asyncio.Lock()
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._writer_conn: sqlite3.Connection | None = None
        self._guard = threading.Lock()
        self._groups = GroupCommit(self._run_group, outbox, self._write_lock)

    # -- threads and connections ----------------------------------------------------------

    def _open(self, *, read_only: bool) -> sqlite3.Connection:
        raw = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        for pragma in PRAGMAS if not read_only else PRAGMAS[2:]:
            raw.execute(f"PRAGMA {pragma}")
        if read_only:
            raw.execute("PRAGMA query_only=ON")
        with self._guard:
            self._opened.append(raw)
        return raw

    def _reader(self) -> sqlite3.Connection:
        raw: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if raw is None:
            raw = self._local.conn = self._open(read_only=True)
        return raw

    def _writer_connection(self) -> sqlite3.Connection:
        if self._writer_conn is None:
            self._writer_conn = self._open(read_only=False)
        return self._writer_conn

    def _read_pool(self) -> Lane:
        if self._readers is None:
            self._readers = Lane(self._read_workers, "rejoinder-read")
        return self._readers

    def _write_pool(self) -> Lane:
        if self._writer is None:
            self._writer = Lane(1, "rejoinder-write")
        return self._writer

    async def _on(self, pool: Lane, fn: Callable[..., T], *args: Any) -> T:
        return await pool.run(fn, *args)

    # -- reads ----------------------------------------------------------------------------

    def _read_hop(self) -> Callable[..., Any]:
        pool = self._read_pool()

        def on_thread(prepared: Prepared, sql: str, args: Any, many: bool) -> Result:
            return _run(self._reader(), prepared, sql, args, many)

        async def hop(prepared: Prepared, sql: str, args: Any, many: bool) -> Result:
            return await self._on(pool, on_thread, prepared, sql, args, many)

        return hop

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Connection]:
        yield SqliteConnection(self.statements, hop=self._read_hop())

    async def run_read(self, work: Callable[..., Any], *args: Any) -> Any:
        return await self._on(self._read_pool(), self._read_on_thread, work, args)

    def _read_on_thread(self, work: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        raw = self._reader()
        raw.execute("BEGIN")  # one snapshot for every statement of the unit
        try:
            return drive(work(SqliteConnection(self.statements, raw=raw), *args))
        finally:
            raw.execute("COMMIT")

    # -- writes ---------------------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        pool = self._write_pool()

        def on_thread(prepared: Prepared, sql: str, args: Any, many: bool) -> Result:
            return _run(self._writer_connection(), prepared, sql, args, many)

        async def hop(prepared: Prepared, sql: str, args: Any, many: bool) -> Result:
            return await self._on(pool, on_thread, prepared, sql, args, many)

        def call_on_thread(fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
            return fn(self._writer_connection(), *args)

        async def call(fn: Callable[..., Any], *args: Any) -> Any:
            return await self._on(pool, call_on_thread, fn, args)

        async with self._write_lock:
            await self._on(pool, self._begin)
            tx = Transaction(SqliteConnection(self.statements, hop=hop, call=call))
            try:
                yield tx
                ids = await self.outbox.write(tx.conn, tx.events) if tx.events else []
                await self._on(pool, self._end, "COMMIT")
            except BaseException:
                # FIFO on the one writer thread: this runs before any later transaction.
                await asyncio.shield(self._on(pool, self._end, "ROLLBACK"))
                raise
        if tx.events:
            await self.outbox.committed(ids, tx.events)

    def _begin(self) -> None:
        self._writer_connection().execute("BEGIN IMMEDIATE")

    def _end(self, verb: str) -> None:
        raw = self._writer_connection()
        if raw.in_transaction:
            raw.execute(verb)

    @asynccontextmanager
    async def bulk_writes(self) -> AsyncIterator[None]:
        """While a bulk load runs: a larger page cache for the writer, where most of the cost
        of an insert is finding the index pages it goes into. WAL, ``synchronous`` and the
        foreign keys stay as they are: what commits is as durable and as checked as ever."""
        pool = self._write_pool()
        await self._on(pool, self._pragma, BULK_CACHE)
        try:
            yield
        finally:
            await self._on(pool, self._pragma, CACHE_PAGES)

    def _pragma(self, pragma: str) -> None:
        self._writer_connection().execute(f"PRAGMA {pragma}")

    async def run_write(self, work: Callable[..., Any], *args: Any) -> Any:
        """Run ``work(tx, *args)`` in a write transaction, committed with whichever other
        units queued meanwhile (``storage.groups``); its result once committed, or the error
        it raised."""
        return await self._groups.run(work, args)

    async def _run_group(self, group: list[Queued]) -> list[Outcome]:
        outcomes: list[Outcome] = await self._on(self._write_pool(), self._group_on_thread, group)
        return outcomes

    def _group_on_thread(self, group: list[Queued]) -> list[Outcome]:
        raw = self._writer_connection()
        alone = len(group) == 1
        raw.execute("BEGIN IMMEDIATE")
        outcomes: list[Outcome] = []
        try:
            for unit in group:
                if not alone:
                    raw.execute("SAVEPOINT unit")
                try:
                    tx = Transaction(SqliteConnection(self.statements, raw=raw))
                    result = drive(unit.work(tx, *unit.args))
                    ids = drive(self.outbox.write(tx.conn, tx.events)) if tx.events else []
                except Exception as error:
                    if not raw.in_transaction:  # SQLite ended the whole transaction itself
                        raise
                    if alone:
                        raw.execute("ROLLBACK")
                        return [(error, None, [], [])]
                    raw.execute("ROLLBACK TO unit")
                    raw.execute("RELEASE unit")
                    outcomes.append((error, None, [], []))
                    continue
                if not alone:
                    raw.execute("RELEASE unit")
                outcomes.append((None, result, ids, tx.events))
            raw.execute("COMMIT")
        except BaseException:
            if raw.in_transaction:
                raw.execute("ROLLBACK")
            raise
        return outcomes

    async def close(self) -> None:
        for pool in (self._readers, self._writer):
            if pool is not None:
                pool.shutdown()
        self._readers = self._writer = None
        with self._guard:
            opened, self._opened = self._opened, []
        for raw in opened:
            raw.close()
        self._writer_conn = None
        self._local = threading.local()
