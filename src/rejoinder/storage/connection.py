"""The connection every query runs on, whatever the database.

``Connection.execute(statement, params)`` binds a statement compiled once per dialect
(``storage.statements``) and hands SQL and positional arguments to the driver; the driver
specifics (a ``sqlite3`` call on a worker thread, an ``asyncpg`` prepared statement) live in
``storage.sqlite`` and ``storage.postgres``. A ``Transaction`` is a connection in a write
transaction plus the domain events to write to the outbox with it.
"""

from __future__ import annotations

from collections.abc import Coroutine, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy import Table, text
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.ddl import ExecutableDDLElement

from rejoinder.storage.results import Result
from rejoinder.storage.statements import Bound, Copier, Prepared, StatementCache

T = TypeVar("T")
Params = Mapping[str, Any] | Sequence[Mapping[str, Any]] | None


class Connection:
    """A database connection for one unit of work (read or write)."""

    dialect: str = ""

    def __init__(self, statements: StatementCache) -> None:
        self._statements = statements

    async def execute(self, statement: ClauseElement, params: Params = None) -> Result:
        """Run ``statement`` with ``params`` (a mapping; a list of mappings runs it per item)."""
        if isinstance(params, Sequence):
            if not params:
                return Result(None, 0)
            prepared, first = self._statements.bind(statement, params[0])
            args = prepared.args
            rest = [args(item) for item in params[1:]]
            return await self._run_many(prepared, [first.args, *rest], first.sql)
        prepared, bound = self._statements.bind(statement, params)
        return await self._run(prepared, bound)

    async def copy(
        self, table: Table, columns: tuple[str, ...], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Bulk-insert ``rows`` (tuples in ``columns`` order) into ``table``: the fastest way
        each driver has (``executemany`` of one compiled INSERT on SQLite, binary ``COPY`` on
        PostgreSQL), with the columns' usual conversions. Nothing is returned: give the ids
        (``reserve_ids``) when later rows must point at these."""
        if rows:
            await self._copy(self._statements.copier(table, columns), rows)

    async def ddl(self, element: ExecutableDDLElement) -> None:
        """Run a schema statement (``CreateIndex``, ``DropIndex``), compiled for this
        database: both databases change their schema inside a transaction."""
        await self.execute(text(str(element.compile(dialect=self._statements.dialect))))

    async def reserve_ids(self, table: Table, count: int) -> list[int]:
        """``count`` values of ``table.id`` that no other row has or will get, to insert rows
        with (``copy``). Only in a write transaction."""
        if count <= 0:
            return []
        return await self._reserve_ids(table.name, count)

    async def _run(self, prepared: Prepared, bound: Bound) -> Result:
        raise NotImplementedError

    async def _copy(self, copier: Copier, rows: Sequence[Sequence[Any]]) -> None:
        raise NotImplementedError

    async def _reserve_ids(self, table: str, count: int) -> list[int]:
        raise NotImplementedError

    async def _run_many(self, prepared: Prepared, args: list[tuple[Any, ...]], sql: str) -> Result:
        raise NotImplementedError


class Transaction:
    """A write transaction: its connection and the events written with it at commit."""

    __slots__ = ("conn", "events")

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.events: list[Any] = []

    def emit(self, event: Any) -> None:
        """Write ``event`` to the event log in this transaction (at its end, before COMMIT)."""
        self.events.append(event)


class Outbox(Protocol):
    """Where a transaction's events go: written in it, announced after it commits."""

    async def write(self, conn: Connection, events: list[Any]) -> list[int]:
        """Insert the events as the transaction's last statements; their log ids."""
        ...

    async def committed(self, ids: list[int], events: list[Any]) -> None:
        """After COMMIT: hand the events on (the relay). Never raises."""
        ...


class NoOutbox:
    """Events are dropped: for tools that write without a running service (migrations)."""

    async def write(self, conn: Connection, events: list[Any]) -> list[int]:  # noqa: ARG002
        return []

    async def committed(self, ids: list[int], events: list[Any]) -> None:  # noqa: ARG002
        return None


def drive(coro: Coroutine[Any, Any, T]) -> T:
    """Run a unit of work's coroutine to its end on this thread.

    On SQLite a unit of work runs on the database's worker thread, where every
    ``execute`` completes at once; a coroutine that really suspends (it awaited something
    other than its connection) is a programming error, refused here.
    """
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    coro.close()
    raise RuntimeError("a unit of work may await only its own connection")
