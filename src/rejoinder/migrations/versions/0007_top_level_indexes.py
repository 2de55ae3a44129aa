"""comments: partial indexes for top-level pages (PostgreSQL's planner needs them)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 23:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

TOP = sa.text("parent_id IS NULL")
INDEXES = {
    "ix_comments_top": ["story_id", "status", "created_at", "id"],
    "ix_comments_top_by_reactions": ["story_id", "status", "reaction_count", "id"],
    "ix_comments_top_by_replies": ["story_id", "status", "reply_count", "id"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "comments", columns, postgresql_where=TOP, sqlite_where=TOP)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="comments")
