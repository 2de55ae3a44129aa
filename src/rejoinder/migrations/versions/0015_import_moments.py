"""import moments: rows written by earlier imports on SQLite store their moments as the rest

Revision ID: 0015
Revises: 0017
Create Date: 2026-12-02 04:50:00

Imports used to insert many rows per statement, and the UTC conversion of SQLite's moments was
applied to the first row of each statement only: the others were stored by the driver's own
adapter, as ``2019-04-04 12:00:00+00:00`` where the service writes and compares
``2019-04-04 12:00:00.000000``. Text comparison then put them before any bound moment of the
same second (pages by date, ``--since``, retention). The offset was always ``+00:00`` (the
parsers convert to UTC), so the repair drops it and writes the microseconds. PostgreSQL
stored real timestamps and has nothing to repair.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0017"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

# The columns an import wrote with multi-row statements.
WRITTEN = {
    "comments": ("created_at", "edited_at", "deleted_at", "updated_at"),
    "stories": ("published_at", "created_at", "updated_at"),
    "accounts": ("plan_changed_at", "created_at", "updated_at"),
    "import_sources": ("imported_at",),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, columns in WRITTEN.items():
        for column in columns:
            # "YYYY-MM-DD HH:MM:SS[.ffffff]+00:00" -> "YYYY-MM-DD HH:MM:SS.ffffff"
            op.execute(
                f"UPDATE {table} SET {column} = substr({column}, 1, 19) || "  # noqa: S608 - names of ours
                f"CASE WHEN substr({column}, 20, 1) = '.' THEN substr({column}, 20, 7) "
                f"ELSE '.000000' END WHERE {column} LIKE '%+00:00'"
            )


def downgrade() -> None:
    """Nothing to undo: the repaired moments are the form the service always wrote."""
