"""moderation: comment checks, nudges, sanctions, notes, moderator scopes, audit log

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 08:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from rejoinder.storage.metadata import UtcDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _id() -> sa.Column[int]:
    return sa.Column("id", BigId, autoincrement=True, nullable=False)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "comment_checks",
        sa.Column("comment_id", BigId, nullable=False),
        sa.Column("account_id", BigId, nullable=True),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("toxicity", sa.Float(), nullable=True),
        sa.Column("flagged", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("trace", sa.Text(), server_default="[]", nullable=False),
        sa.Column("checked_at", UtcDateTime(), nullable=False),
        sa.Column("reviewed_at", UtcDateTime(), nullable=True),
        sa.Column("reviewed_by", BigId, nullable=True),
        _fk("comment_checks", "comment_id", "comments", "CASCADE"),
        _fk("comment_checks", "account_id", "accounts", "SET NULL"),
        sa.PrimaryKeyConstraint("comment_id", name=op.f("pk_comment_checks")),
    )
    op.create_index("ix_comment_checks_text_hash", "comment_checks", ["text_hash", "checked_at"])
    op.create_index("ix_comment_checks_reviewed_at", "comment_checks", ["reviewed_at"])
    op.create_table(
        "moderation_nudges",
        _id(),
        sa.Column("account_id", BigId, nullable=False),
        sa.Column("story_id", BigId, nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        _fk("moderation_nudges", "account_id", "accounts", "CASCADE"),
        _fk("moderation_nudges", "story_id", "stories", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_nudges")),
    )
    op.create_index(
        "ix_moderation_nudges_account_id", "moderation_nudges", ["account_id", "created_at"]
    )
    op.create_table(
        "sanctions",
        _id(),
        sa.Column("account_id", BigId, nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("until", UtcDateTime(), nullable=True),
        sa.Column("created_by", BigId, nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("lifted_at", UtcDateTime(), nullable=True),
        sa.Column("lifted_by", BigId, nullable=True),
        _fk("sanctions", "account_id", "accounts", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sanctions")),
    )
    op.create_index("ix_sanctions_account_id", "sanctions", ["account_id", "created_at"])
    op.create_table(
        "moderator_notes",
        _id(),
        sa.Column("account_id", BigId, nullable=False),
        sa.Column("author_id", BigId, nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        _fk("moderator_notes", "account_id", "accounts", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderator_notes")),
    )
    op.create_index(
        "ix_moderator_notes_account_id", "moderator_notes", ["account_id", "created_at"]
    )
    op.create_table(
        "moderator_scopes",
        sa.Column("account_id", BigId, nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        _fk("moderator_scopes", "account_id", "accounts", "CASCADE"),
        sa.PrimaryKeyConstraint("account_id", "site_id", name=op.f("pk_moderator_scopes")),
    )
    op.create_table(
        "audit_log",
        _id(),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("actor_id", BigId, nullable=True),
        sa.Column("actor_name", sa.String(length=128), nullable=True),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=True),
        sa.Column("comment_id", BigId, nullable=True),
        sa.Column("account_id", BigId, nullable=True),
        sa.Column("before", sa.Text(), server_default="{}", nullable=False),
        sa.Column("after", sa.Text(), server_default="{}", nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_created_at", "audit_log", ["created_at"])
    op.create_index("ix_audit_log_site_id", "audit_log", ["site_id", "created_at"])
    op.create_index("ix_audit_log_comment_id", "audit_log", ["comment_id"])
    op.create_index("ix_audit_log_account_id", "audit_log", ["account_id"])
    _append_only("audit_log")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index("ix_comments_status_created_at", ["status", "created_at"])


def _append_only(table: str) -> None:
    """The database itself refuses to change or remove an audit entry."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
        return
    op.execute(
        f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{table} is append-only'; END $$"
    )
    op.execute(
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
    )


def downgrade() -> None:
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index("ix_comments_status_created_at")
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    op.drop_table("audit_log")
    op.drop_table("moderator_scopes")
    op.drop_table("moderator_notes")
    op.drop_table("sanctions")
    op.drop_table("moderation_nudges")
    op.drop_table("comment_checks")
