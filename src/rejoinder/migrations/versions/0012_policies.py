"""policies: registered names, SSO verification claims, self-protecting sections, takedowns

Revision ID: 0012
Revises: 0007
Create Date: 2026-12-02 01:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from rejoinder.storage.metadata import UtcDateTime

revision: str = "0012"
down_revision: str | None = "0010"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column(
        "accounts", sa.Column("sso_verified", sa.Text(), nullable=False, server_default="[]")
    )
    op.add_column("accounts", sa.Column("registered_first_name", sa.String(length=128)))
    op.add_column("accounts", sa.Column("registered_surname", sa.String(length=128)))
    op.create_table(
        "protection_tallies",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("story_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name=op.f("fk_protection_tallies_story_id_stories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protection_tallies")),
    )
    op.create_index("ix_protection_tallies_story", "protection_tallies", ["story_id", "kind", "at"])
    op.create_table(
        "protection_alerts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("story_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("window_minutes", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text()),
        sa.Column("previous_status", sa.String(length=16), nullable=False),
        sa.Column("previous_message", sa.Text()),
        sa.Column("triggered_at", UtcDateTime(), nullable=False),
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("reopened_at", UtcDateTime()),
        sa.Column("reopened_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite")),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name=op.f("fk_protection_alerts_story_id_stories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protection_alerts")),
    )
    op.create_index("ix_protection_alerts_site", "protection_alerts", ["site_id", "reopened_at"])
    op.create_index("ix_protection_alerts_story", "protection_alerts", ["story_id", "reopened_at"])
    op.create_table(
        "takedown_requests",
        sa.Column("id", BIG, nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("comment_id", BIG),
        sa.Column("permalink", sa.String(length=2000)),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=320), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.Column("deadline_at", UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False, server_default="open"),
        sa.Column("decided_at", UtcDateTime()),
        sa.Column("decided_by", BIG),
        sa.Column("decision_reason", sa.Text()),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_takedown_requests_comment_id_comments"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_takedown_requests")),
    )
    op.create_index(
        "ix_takedown_requests_site", "takedown_requests", ["site_id", "status", "deadline_at"]
    )
    op.create_index("ix_takedown_requests_received", "takedown_requests", ["received_at"])
    op.create_table(
        "takedown_messages",
        sa.Column("id", BIG, nullable=False),
        sa.Column("request_id", BIG, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("to_email", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("sent_at", UtcDateTime()),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["takedown_requests.id"],
            name=op.f("fk_takedown_messages_request_id_takedown_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_takedown_messages")),
    )
    op.create_index("ix_takedown_messages_request", "takedown_messages", ["request_id"])


def downgrade() -> None:
    op.drop_table("takedown_messages")
    op.drop_table("takedown_requests")
    op.drop_table("protection_alerts")
    op.drop_table("protection_tallies")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("registered_surname")
        batch.drop_column("registered_first_name")
        batch.drop_column("sso_verified")
