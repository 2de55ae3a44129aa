"""imports: imported comments by source id, imported authors, reserved display names

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-02 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from rejoinder.storage.metadata import UtcDateTime

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "import_sources",
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("system", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.String(length=255), nullable=False),
        sa.Column("comment_id", BigId, nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("imported_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_import_sources_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("site_id", "system", "source_id", name=op.f("pk_import_sources")),
    )
    op.create_index("ix_import_sources_comment_id", "import_sources", ["comment_id"])
    op.create_table(
        "imported_authors",
        sa.Column("account_id", BigId, autoincrement=False, nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("author_key", sa.String(length=255), nullable=False),
        sa.Column("email_hash", sa.String(length=64), nullable=True),
        sa.Column("claimed_by", BigId, nullable=True),
        sa.Column("claimed_at", UtcDateTime(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_imported_authors_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["claimed_by"],
            ["accounts.id"],
            name=op.f("fk_imported_authors_claimed_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_imported_authors")),
    )
    op.create_index(
        "uq_imported_authors_site_id_author_key",
        "imported_authors",
        ["site_id", "author_key"],
        unique=True,
    )
    op.create_index("ix_imported_authors_email_hash", "imported_authors", ["email_hash"])
    op.create_table(
        "reserved_names",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=128), nullable=False),
        sa.Column("name_key", sa.String(length=512), nullable=False),
        sa.Column("skeleton", sa.String(length=512), nullable=False),
        sa.Column("account_id", BigId, nullable=True),
        sa.Column("claimed_by", BigId, nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_reserved_names_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["claimed_by"],
            ["accounts.id"],
            name=op.f("fk_reserved_names_claimed_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reserved_names")),
    )
    op.create_index(
        "uq_reserved_names_site_id_name_key", "reserved_names", ["site_id", "name_key"], unique=True
    )
    op.create_index("ix_reserved_names_name_key", "reserved_names", ["name_key"])
    op.create_index("ix_reserved_names_skeleton", "reserved_names", ["skeleton"])


def downgrade() -> None:
    op.drop_table("reserved_names")
    op.drop_table("imported_authors")
    op.drop_table("import_sources")
