"""takedown mail: requests remember their language and reminders; mail to an address

Revision ID: 0017
Revises: 0012
Create Date: 2026-12-02 04:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from rejoinder.storage.metadata import UtcDateTime

revision: str = "0017"
down_revision: str | None = "0012"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("takedown_requests") as batch:
        batch.add_column(
            sa.Column("language", sa.String(length=8), nullable=False, server_default="en")
        )
        batch.add_column(sa.Column("due_reminded_at", UtcDateTime()))
        batch.add_column(sa.Column("overdue_reminded_at", UtcDateTime()))
    with op.batch_alter_table("takedown_messages") as batch:
        batch.add_column(sa.Column("mail_message_id", sa.String(length=255)))
    # Mail to someone without an account (a takedown requester): ``to_email`` instead.
    with op.batch_alter_table("mails") as batch:
        batch.alter_column(
            "account_id", existing_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        )  # fmt: skip
        batch.add_column(sa.Column("to_email", sa.String(length=320)))


def downgrade() -> None:
    with op.batch_alter_table("mails") as batch:
        batch.drop_column("to_email")
    op.execute("DELETE FROM mails WHERE account_id IS NULL")
    with op.batch_alter_table("mails") as batch:
        batch.alter_column(
            "account_id", existing_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        )  # fmt: skip
    with op.batch_alter_table("takedown_messages") as batch:
        batch.drop_column("mail_message_id")
    with op.batch_alter_table("takedown_requests") as batch:
        batch.drop_column("overdue_reminded_at")
        batch.drop_column("due_reminded_at")
        batch.drop_column("language")
