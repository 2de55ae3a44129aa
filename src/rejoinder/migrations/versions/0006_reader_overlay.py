"""comments: an index for a signed-in reader's overlay (own pending comments on a story)

Revision ID: 0006
Revises: 0100_hardening
Create Date: 2026-12-01 22:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0100_hardening"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_comments_own", "comments", ["account_id", "story_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_comments_own", table_name="comments")
