"""Tables: comments, their revisions, reactions, reports, and stored idempotent responses."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)

from rejoinder.storage.metadata import BigId, UtcDateTime, id_column, metadata

# `deleted` is a comment its author removed while it had no visible replies: it leaves every
# listing. A deleted comment *with* replies stays `published` with `deleted_at` set: a tombstone.
COMMENT_STATUSES = ("published", "pending", "rejected", "deleted")

comments = Table(
    "comments",
    metadata,
    id_column(),
    Column("story_id", BigId, ForeignKey("stories.id", ondelete="CASCADE"), nullable=False),
    Column("parent_id", BigId, ForeignKey("comments.id", ondelete="CASCADE")),
    Column("depth", Integer, nullable=False, server_default="0"),
    Column("account_id", BigId, ForeignKey("accounts.id", ondelete="SET NULL")),
    Column("body", Text, nullable=False),
    # Rendered and sanitised once, at write time; reads never render.
    Column("body_html", Text, nullable=False),
    Column("status", String(16), nullable=False),
    # Why it is held or rejected: `moderation_reason` may be shown to the author,
    # `moderation_detail` is for moderators only.
    Column("moderation_reason", Text),
    Column("moderation_detail", Text),
    Column("moderation_phase", String(64)),
    # Denormalised counters, kept in the writing transaction, indexed for the sorts.
    Column("reply_count", Integer, nullable=False, server_default="0"),
    Column("reaction_count", Integer, nullable=False, server_default="0"),
    # {kind: count} as JSON text, next to the total above.
    Column("reactions", Text, nullable=False, server_default="{}"),
    Column("report_count", Integer, nullable=False, server_default="0"),
    Column("featured", Boolean, nullable=False, server_default=false()),
    Column("pinned", Boolean, nullable=False, server_default=false()),
    Column("created_at", UtcDateTime, nullable=False),
    Column("edited_at", UtcDateTime),
    Column("deleted_at", UtcDateTime),
    Column("updated_at", UtcDateTime, nullable=False),
    # Keyset pagination: one range scan per page whatever the story's size.
    Index("ix_comments_thread", "story_id", "parent_id", "status", "created_at", "id"),
    Index("ix_comments_by_reactions", "story_id", "parent_id", "status", "reaction_count", "id"),
    Index("ix_comments_by_replies", "story_id", "parent_id", "status", "reply_count", "id"),
    Index("ix_comments_parent_id", "parent_id"),
    Index("ix_comments_account_id", "account_id", "created_at"),
    # Top-level pages: PostgreSQL does not take ``parent_id IS NULL`` as fixing that column for
    # the order of the thread indexes above, so it sorted the whole story (or walked the
    # status index) for a big one; these partial indexes give it the order directly.
    Index(
        "ix_comments_top",
        "story_id",
        "status",
        "created_at",
        "id",
        postgresql_where=text("parent_id IS NULL"),
        sqlite_where=text("parent_id IS NULL"),
    ),
    Index(
        "ix_comments_top_by_reactions",
        "story_id",
        "status",
        "reaction_count",
        "id",
        postgresql_where=text("parent_id IS NULL"),
        sqlite_where=text("parent_id IS NULL"),
    ),
    Index(
        "ix_comments_top_by_replies",
        "story_id",
        "status",
        "reply_count",
        "id",
        postgresql_where=text("parent_id IS NULL"),
        sqlite_where=text("parent_id IS NULL"),
    ),
    # A signed-in reader's overlay: their own pending comments on the story they read.
    Index("ix_comments_own", "account_id", "story_id", "status"),
)

comment_revisions = Table(
    "comment_revisions",
    metadata,
    id_column(),
    Column("comment_id", BigId, ForeignKey("comments.id", ondelete="CASCADE"), nullable=False),
    # The text as it was before the edit made at `replaced_at`.
    Column("body", Text, nullable=False),
    Column("body_html", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("written_at", UtcDateTime, nullable=False),
    Column("replaced_at", UtcDateTime, nullable=False),
    Index("ix_comment_revisions_comment_id", "comment_id"),
)

comment_reactions = Table(
    "comment_reactions",
    metadata,
    Column("comment_id", BigId, ForeignKey("comments.id", ondelete="CASCADE"), nullable=False),
    Column("account_id", BigId, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("comment_id", "account_id", "kind"),
    Index("ix_comment_reactions_account_id", "account_id"),
)

comment_reports = Table(
    "comment_reports",
    metadata,
    id_column(),
    Column("comment_id", BigId, ForeignKey("comments.id", ondelete="CASCADE"), nullable=False),
    Column("account_id", BigId, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("note", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("resolved_at", UtcDateTime),
    UniqueConstraint("comment_id", "account_id"),
    Index("ix_comment_reports_account_id", "account_id"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    id_column(),
    Column("account_id", BigId, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(255), nullable=False),
    # SHA-256 of the request (route + body): the same key with another request is refused.
    Column("request_hash", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("response", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("account_id", "key"),
    Index("ix_idempotency_keys_created_at", "created_at"),
)
