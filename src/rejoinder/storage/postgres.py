"""PostgreSQL: asyncpg with its prepared-statement cache, one pool per process.

asyncpg prepares each distinct SQL text once per connection and reuses it, so a statement
compiled once (``storage.statements``) is parsed and planned once per connection as well.

Event ids must become visible in id order, or a relay reading "everything after id N" could
pass over an id whose transaction commits later. A transaction that writes events therefore
takes one transaction-level advisory lock just before it inserts them (its last statements),
which orders those commits; transactions without events never wait for it. Holding it
through COMMIT serialises the fsyncs of every event-writing commit, so write units given as
functions (``run_write``) **commit in groups** (``storage.groups``): the units queued while a
group commits run in the next one on one connection, their events written together at its
end under one lock. The units run without savepoints (each costs two round trips); when one
fails the transaction is rolled back and the group run again with a savepoint per unit, so
the failing unit alone gets its error.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError

from rejoinder.storage.connection import Connection, Outbox, Transaction
from rejoinder.storage.groups import GroupCommit, Outcome, Queued
from rejoinder.storage.results import Result
from rejoinder.storage.statements import Bound, Copier, Prepared, StatementCache

EVENT_LOCK = 0x52454A31  # "REJ1": the advisory lock that orders event-writing commits


def _rowcount(status: str) -> int:
    tail = status.rsplit(" ", 1)[-1]
    return int(tail) if tail.isdigit() else -1


def _wrapped(sql: str, args: Any, error: Exception) -> DBAPIError:
    """Driver errors as SQLAlchemy's, the same classes on both databases."""
    if isinstance(error, asyncpg.IntegrityConstraintViolationError):
        return IntegrityError(sql, args, error)
    if isinstance(error, asyncpg.DataError):
        return DataError(sql, args, error)
    return DBAPIError(sql, args, error)


class _UnitFailed(Exception):
    """A unit of a group run without savepoints failed: the group is run again with them."""


def _transient(error: Exception) -> bool:
    """A deadlock or a serialization failure: the unit may well succeed when run again."""
    return isinstance(
        getattr(error, "orig", None),
        asyncpg.DeadlockDetectedError | asyncpg.SerializationError,
    )


class PostgresConnection(Connection):
    dialect = "postgresql"

    def __init__(self, statements: StatementCache, raw: asyncpg.Connection) -> None:
        super().__init__(statements)
        self._raw = raw

    async def _run(self, prepared: Prepared, bound: Bound) -> Result:
        try:
            if prepared.returns_rows:
                make = prepared.make_row
                assert make is not None
                records = await self._raw.fetch(bound.sql, *bound.args)
                return Result([make(record) for record in records], len(records))
            status = await self._raw.execute(bound.sql, *bound.args)
            return Result(None, _rowcount(status))
        except asyncpg.PostgresError as error:
            raise _wrapped(bound.sql, bound.args, error) from error

    async def _run_many(self, prepared: Prepared, args: list[tuple[Any, ...]], sql: str) -> Result:
        del prepared
        try:
            await self._raw.executemany(sql, args)
        except asyncpg.PostgresError as error:
            raise _wrapped(sql, args, error) from error
        return Result(None, len(args))

    async def _copy(self, copier: Copier, rows: Any) -> None:
        try:
            await self._raw.copy_records_to_table(
                copier.table, records=copier.convert(rows), columns=list(copier.columns)
            )
        except asyncpg.PostgresError as error:
            raise _wrapped(f"COPY {copier.table}", None, error) from error

    async def _reserve_ids(self, table: str, count: int) -> list[int]:
        # The column's own sequence: values handed out are never handed out again, whoever
        # else inserts meanwhile (they may have gaps, as any sequence's).
        records = await self._raw.fetch(
            "SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)",
            table,
            count,
        )
        return [int(record[0]) for record in records]

    async def lock_event_order(self) -> None:
        await self._raw.execute("SELECT pg_advisory_xact_lock($1)", EVENT_LOCK)


async def _keep(_: asyncpg.Connection) -> None:
    """A connection goes back to the pool as it is. asyncpg's default reset costs a round
    trip per checkout; Rejoinder keeps no session state (no LISTEN, no SET, advisory locks
    are transaction-scoped), so there is nothing to reset."""


class PostgresDatabase:
    dialect = "postgresql"

    def __init__(self, url: str, outbox: Outbox, *, pool_size: int = 10) -> None:
        self.dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.outbox = outbox
        self.statements = StatementCache(PGDialect_asyncpg())  # type: ignore[no-untyped-call]
        self._pool_size = max(pool_size, 1)
        self._pool: asyncpg.Pool | None = None
        self._opening = asyncio.Lock()
        self._groups = GroupCommit(self._run_group, outbox, asyncio.Lock(), transient=_transient)

    async def _get_pool(self) -> asyncpg.Pool:
        if self._pool is None:
            async with self._opening:
                if self._pool is None:
                    self._pool = await asyncpg.create_pool(
                        self.dsn,
                        min_size=1,
                        max_size=self._pool_size,
                        statement_cache_size=1024,
                        reset=_keep,
                    )
        return self._pool

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Connection]:
        pool = await self._get_pool()
        async with pool.acquire() as raw:
            yield PostgresConnection(self.statements, raw)

    async def run_read(self, work: Callable[..., Any], *args: Any) -> Any:
        pool = await self._get_pool()
        # No transaction: under READ COMMITTED it would give each statement its own snapshot
        # all the same, for two more round trips.
        async with pool.acquire() as raw:
            return await work(PostgresConnection(self.statements, raw), *args)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        pool = await self._get_pool()
        async with pool.acquire() as raw:
            conn = PostgresConnection(self.statements, raw)
            tx = Transaction(conn)
            async with raw.transaction():
                yield tx
                ids = await self._write_events(conn, tx.events) if tx.events else []
        if tx.events:
            await self.outbox.committed(ids, tx.events)

    @asynccontextmanager
    async def bulk_writes(self) -> AsyncIterator[None]:
        """Nothing to change: the server's own settings serve a bulk load (``COPY``)."""
        yield

    async def run_write(self, work: Callable[..., Any], *args: Any) -> Any:
        """Run ``work(tx, *args)`` in a write transaction, committed with whichever other
        units queued meanwhile (``storage.groups``): one event-order lock and one fsync for
        the group; its result once committed, or the error it raised."""
        return await self._groups.run(work, args)

    async def _run_group(self, group: list[Queued]) -> list[Outcome]:
        pool = await self._get_pool()
        async with pool.acquire() as raw:
            conn = PostgresConnection(self.statements, raw)
            if len(group) == 1:
                return [await self._alone(raw, conn, group[0])]
            try:
                return await self._in_one(raw, conn, group, savepoints=False)
            except _UnitFailed:
                pass  # rolled back whole: run it again, each unit in a savepoint of its own
            return await self._in_one(raw, conn, group, savepoints=True)

    async def _in_one(
        self,
        raw: asyncpg.Connection,
        conn: PostgresConnection,
        group: list[Queued],
        *,
        savepoints: bool,
    ) -> list[Outcome]:
        """The group's units one after another in one transaction, their events written at its
        end under one lock. Without ``savepoints`` (two round trips a unit fewer) the first unit
        that fails rolls the whole transaction back and raises ``_UnitFailed``; with them, a
        unit that fails is rolled back to its savepoint alone and gets its error. Units only
        write what was decided before they began, so running a group again is safe."""
        done: list[tuple[Exception | None, Any, list[Any]]] = []
        async with raw.transaction():
            for unit in group:
                tx = Transaction(conn)
                savepoint = raw.transaction() if savepoints else None  # nested: a SAVEPOINT
                if savepoint is not None:
                    await savepoint.start()
                try:
                    result = await unit.work(tx, *unit.args)
                except Exception as error:  # the unit's own outcome (or the whole group's)
                    if savepoint is None:
                        raise _UnitFailed from error
                    await savepoint.rollback()
                    done.append((error, None, []))
                    continue
                if savepoint is not None:
                    await savepoint.commit()
                done.append((None, result, tx.events))
            # Every unit's events at the end, under one lock, in the units' order.
            events = [event for _, _, unit_events in done for event in unit_events]
            ids = iter(await self._write_events(conn, events) if events else [])
        return [
            (failed, result, [next(ids) for _ in unit_events], unit_events)
            for failed, result, unit_events in done
        ]

    async def _alone(
        self, raw: asyncpg.Connection, conn: PostgresConnection, unit: Queued
    ) -> Outcome:
        """A group of one, without a savepoint; its error is the group's (``GroupCommit``)."""
        tx = Transaction(conn)
        async with raw.transaction():
            result = await unit.work(tx, *unit.args)
            ids = await self._write_events(conn, tx.events) if tx.events else []
        return (None, result, ids, tx.events)

    async def _write_events(self, conn: PostgresConnection, events: list[Any]) -> list[int]:
        await conn.lock_event_order()
        ids: list[int] = await self.outbox.write(conn, events)
        return ids

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None
