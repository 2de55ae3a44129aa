"""``--defer-indexes``: the comments table's secondary indexes dropped for an import, rebuilt
at its end.

Most of the cost of importing a comment is keeping the nine indexes of ``comments`` (each row
goes into nine B-trees, at a random place in most of them); building an index once over the
finished table is a sort, many times cheaper. The indexes only make reads fast (none is
unique; the import's own look-ups use primary keys), so while they are gone every page is
still right, only slower, and the writes of the running service are still checked by the
same foreign keys. That is for an import before the site's comments go live, which is when
a migration is run; a site already serving readers should import without the flag.

The indexes are rebuilt when the run ends, however it ends (a stop on bad input, a database
error); if the process itself is killed, the next import (with the flag or without)
rebuilds them first. Dropping and rebuilding are one transaction each.
"""

from __future__ import annotations

from sqlalchemy import Index
from sqlalchemy.schema import CreateIndex, DropIndex

from rejoinder.comments.models import comments
from rejoinder.storage.database import Database, Transaction


def deferred() -> list[Index]:
    """The indexes of ``comments`` as the tables define them, read when needed: domains
    other than comments add theirs (moderation's by status and date)."""
    return sorted(comments.indexes, key=lambda index: str(index.name))


async def _drop(tx: Transaction) -> None:
    for index in deferred():
        await tx.conn.ddl(DropIndex(index, if_exists=True))


async def _build(tx: Transaction) -> None:
    for index in deferred():
        await tx.conn.ddl(CreateIndex(index, if_not_exists=True))


async def drop_indexes(db: Database) -> None:
    await db.run_write(_drop)


async def build_indexes(db: Database) -> None:
    """Every deferred index that is missing, built (a no-op when they are all there)."""
    await db.run_write(_build)
