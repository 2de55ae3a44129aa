"""account: notification preferences and deletion requests

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from rejoinder.storage.metadata import UtcDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "notification_preferences",
        sa.Column("account_id", BigId, nullable=False),
        sa.Column("reply_notifications", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("email_digest", sa.String(length=16), server_default="off", nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_notification_preferences_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_notification_preferences")),
    )
    op.create_table(
        "deletion_requests",
        sa.Column("account_id", BigId, nullable=False),
        sa.Column("requested_at", UtcDateTime(), nullable=False),
        sa.Column("delete_after", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_deletion_requests_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_deletion_requests")),
    )
    op.create_index(
        op.f("ix_deletion_requests_delete_after"), "deletion_requests", ["delete_after"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_deletion_requests_delete_after"), table_name="deletion_requests")
    op.drop_table("deletion_requests")
    op.drop_table("notification_preferences")
