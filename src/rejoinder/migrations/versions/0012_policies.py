"""policies: registered names, SSO verification claims, self-protecting sections

Revision ID: 0012
Revises: 0007
Create Date: 2026-12-02 01:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from rejoinder.storage.metadata import UtcDateTime

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


def downgrade() -> None:
    op.drop_table("protection_alerts")
    op.drop_table("protection_tallies")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("registered_surname")
        batch.drop_column("registered_first_name")
        batch.drop_column("sso_verified")
