"""notifications: per-kind settings, in-page notifications and the mail queue

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from rejoinder.storage.metadata import UtcDateTime

revision: str = "0008"
down_revision: str | None = "0011"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
KIND_COLUMNS = ("featured_notifications", "moderation_notifications", "staff_reply_notifications")


def upgrade() -> None:
    for name in KIND_COLUMNS:
        op.add_column(
            "notification_preferences",
            sa.Column(name, sa.Boolean(), server_default=sa.true(), nullable=False),
        )
    op.add_column("notification_preferences", sa.Column("time_zone", sa.String(64)))
    op.add_column("notification_preferences", sa.Column("language", sa.String(8)))
    op.add_column("notification_preferences", sa.Column("digest_period", sa.String(16)))
    op.create_table(
        "notifications",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("account_id", BigId, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("comment_id", BigId, nullable=False),
        sa.Column("story_id", BigId, nullable=False),
        sa.Column("actor_id", BigId, nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("event_id", BigId, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("read_at", UtcDateTime(), nullable=True),
        sa.Column("digest_pending", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_notifications_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["accounts.id"],
            name=op.f("fk_notifications_actor_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_notifications_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name=op.f("fk_notifications_story_id_stories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index("ix_notifications_account_id_id", "notifications", ["account_id", "id"])
    op.create_index(
        "ix_notifications_digest",
        "notifications",
        ["account_id", "created_at"],
        postgresql_where=sa.text("digest_pending"),
        sqlite_where=sa.text("digest_pending"),
    )
    op.create_table(
        "mails",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("account_id", BigId, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("message_id", sa.String(255), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), server_default="queued", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_mails_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mails")),
        sa.UniqueConstraint("message_id", name=op.f("uq_mails_message_id")),
    )
    op.create_index(
        "ix_mails_due",
        "mails",
        ["next_attempt_at"],
        postgresql_where=sa.text("status = 'queued'"),
        sqlite_where=sa.text("status = 'queued'"),
    )
    op.create_index("ix_mails_account_id", "mails", ["account_id"])
    # The notifications consumer reads the log from here: events written between this
    # migration and the first start of a new release are not missed.
    op.execute(
        "INSERT INTO consumer_positions (consumer, position, updated_at) "
        "SELECT 'notifications', COALESCE(MAX(id), 0), CURRENT_TIMESTAMP FROM events"
    )


def downgrade() -> None:
    op.execute("DELETE FROM consumer_positions WHERE consumer = 'notifications'")
    op.drop_index("ix_mails_account_id", table_name="mails")
    op.drop_index("ix_mails_due", table_name="mails")
    op.drop_table("mails")
    op.drop_index("ix_notifications_digest", table_name="notifications")
    op.drop_index("ix_notifications_account_id_id", table_name="notifications")
    op.drop_table("notifications")
    with op.batch_alter_table("notification_preferences") as batch:
        for name in (*KIND_COLUMNS, "time_zone", "language", "digest_period"):
            batch.drop_column(name)
