"""moderation: a site's own toxicity layer, learnt from its moderators' decisions

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-02 01:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from rejoinder.storage.metadata import UtcDateTime

revision: str = "0011"
down_revision: str | None = "0009"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "moderation_site_layers",
        sa.Column("site_id", sa.String(64), primary_key=True),
        sa.Column("layer", sa.Text, nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("decisions", sa.Integer, nullable=False),
        sa.Column("held_back", sa.Integer, nullable=False),
        sa.Column("precision", sa.Float, nullable=False),
        sa.Column("recall", sa.Float, nullable=False),
        sa.Column("shipped_precision", sa.Float, nullable=False),
        sa.Column("shipped_recall", sa.Float, nullable=False),
        sa.Column("trained_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("moderation_site_layers")
