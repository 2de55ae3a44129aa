"""hardening: SSO tokens already exchanged (single use of `jti`, a cap per token)

Revision ID: 0100_hardening
Revises: 0004
Create Date: 2026-12-01 21:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from rejoinder.storage.metadata import UtcDateTime

revision: str = "0100_hardening"
down_revision: str | None = "0005"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sso_exchanges",
        sa.Column("token_key", sa.String(length=64), nullable=False),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("token_key", name=op.f("pk_sso_exchanges")),
    )
    op.create_index("ix_sso_exchanges_expires_at", "sso_exchanges", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_sso_exchanges_expires_at", table_name="sso_exchanges")
    op.drop_table("sso_exchanges")
