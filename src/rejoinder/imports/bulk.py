"""Multi-row INSERT ... RETURNING id, the same statement on both databases.

``executemany`` returns no ids, and one INSERT per row costs a round trip each on
PostgreSQL. A multi-row ``VALUES`` list returns every id in one; the rows' ids are then
matched to the inputs by *sorting*: both databases hand out ids in increasing order while
one statement inserts its rows in ``VALUES`` order (SQLite's rowid is max + 1, a
PostgreSQL identity is a sequence), whatever order RETURNING lists them in. Statements are
built for a few fixed sizes (powers of two) so that each compiles once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table, bindparam, insert
from sqlalchemy.sql import ClauseElement

from rejoinder.storage.database import Connection
from rejoinder.storage.statements import defined

CHUNK = 256
_STATEMENTS: dict[tuple[str, tuple[str, ...], int, bool], ClauseElement] = {}


def _statement(
    table: Table, columns: tuple[str, ...], size: int, *, returning: bool = True
) -> ClauseElement:
    key = (table.name, columns, size, returning)
    found = _STATEMENTS.get(key)
    if found is None:
        values: list[dict[str, Any]] = [
            {name: bindparam(f"{name}_{i}") for name in columns} for i in range(size)
        ]
        statement = insert(table).values(values)
        found = _STATEMENTS[key] = defined(
            statement.returning(table.c.id) if returning else statement
        )
    return found


def _sizes(count: int) -> list[int]:
    sizes = [CHUNK] * (count // CHUNK)
    rest, bit = count % CHUNK, CHUNK
    while rest:
        bit //= 2
        if rest >= bit:
            sizes.append(bit)
            rest -= bit
    return sizes


async def insert_returning_ids(
    conn: Connection, table: Table, columns: tuple[str, ...], rows: Sequence[Mapping[str, Any]]
) -> list[int]:
    """Insert ``rows`` (each with exactly ``columns``); their ids, in the order of ``rows``."""
    ids: list[int] = []
    start = 0
    for size in _sizes(len(rows)):
        chunk = rows[start : start + size]
        start += size
        params = {f"{name}_{i}": row[name] for i, row in enumerate(chunk) for name in columns}
        result = await conn.execute(_statement(table, columns, size), params)
        ids.extend(sorted(int(value) for value in result.scalars()))
    return ids


async def insert_rows(
    conn: Connection, table: Table, columns: tuple[str, ...], rows: Sequence[Mapping[str, Any]]
) -> None:
    """Insert ``rows`` in multi-row statements: binding once per chunk, not once per row."""
    start = 0
    for size in _sizes(len(rows)):
        chunk = rows[start : start + size]
        start += size
        params = {f"{name}_{i}": row[name] for i, row in enumerate(chunk) for name in columns}
        await conn.execute(_statement(table, columns, size, returning=False), params)
