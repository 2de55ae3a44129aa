"""policies: registered names, SSO verification claims

Revision ID: 0012
Revises: 0007
Create Date: 2026-12-02 01:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0007"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "accounts", sa.Column("sso_verified", sa.Text(), nullable=False, server_default="[]")
    )
    op.add_column("accounts", sa.Column("registered_first_name", sa.String(length=128)))
    op.add_column("accounts", sa.Column("registered_surname", sa.String(length=128)))


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("registered_surname")
        batch.drop_column("registered_first_name")
        batch.drop_column("sso_verified")
