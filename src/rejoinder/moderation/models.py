"""Tables: what the pipeline found per comment, nudges, sanctions, notes, scopes, audit log.

Nothing here is a counter: queue sizes, rejection rates and report counts are recomputed
from rows, so they cannot drift. Audit rows keep plain ids (no foreign keys): an entry must
outlive the comment or account it talks about.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    false,
)

from rejoinder.comments.models import comments
from rejoinder.storage.metadata import BigId, UtcDateTime, id_column, metadata

SANCTIONS = ("warn", "suspend", "ban", "premoderate")

# One row per comment the pipeline saw: its findings, and whether a moderator reviewed it.
comment_checks = Table(
    "comment_checks",
    metadata,
    Column("comment_id", BigId, ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True),
    Column("account_id", BigId, ForeignKey("accounts.id", ondelete="SET NULL")),
    # SHA-256 of the folded text: repeated-text checks look it up by index.
    Column("text_hash", String(64), nullable=False),
    Column("toxicity", Float),
    # Published but worth a look (suspect word, threat in "flag" mode...).
    Column("flagged", Boolean, nullable=False, server_default=false()),
    # JSON list of {phase, action, reason, detail}: every phase that had something to say.
    Column("trace", Text, nullable=False, server_default="[]"),
    Column("checked_at", UtcDateTime, nullable=False),
    Column("reviewed_at", UtcDateTime),
    Column("reviewed_by", BigId),
    Index("ix_comment_checks_text_hash", "text_hash", "checked_at"),
    Index("ix_comment_checks_reviewed_at", "reviewed_at"),
)

# A toxicity nudge shown to an author; the next toxic try within the window is held.
moderation_nudges = Table(
    "moderation_nudges",
    metadata,
    id_column(),
    Column("account_id", BigId, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("story_id", BigId, ForeignKey("stories.id", ondelete="CASCADE"), nullable=False),
    Column("text_hash", String(64), nullable=False),
    Column("score", Float, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_moderation_nudges_account_id", "account_id", "created_at"),
)

# Warn / suspend until / ban / pre-moderate, on one site or (site_id NULL) every site.
sanctions = Table(
    "sanctions",
    metadata,
    id_column(),
    Column("account_id", BigId, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("site_id", String(64)),
    Column("kind", String(16), nullable=False),
    Column("reason", Text),
    Column("until", UtcDateTime),
    Column("created_by", BigId),
    Column("created_at", UtcDateTime, nullable=False),
    Column("lifted_at", UtcDateTime),
    Column("lifted_by", BigId),
    Index("ix_sanctions_account_id", "account_id", "created_at"),
)

moderator_notes = Table(
    "moderator_notes",
    metadata,
    id_column(),
    Column("account_id", BigId, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("author_id", BigId),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_moderator_notes_account_id", "account_id", "created_at"),
)

# Which sites a moderator may moderate; admins moderate every site without rows here.
moderator_scopes = Table(
    "moderator_scopes",
    metadata,
    Column("account_id", BigId, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("site_id", String(64), nullable=False),
    PrimaryKeyConstraint("account_id", "site_id"),
)

# Append-only: rows are inserted, never updated or deleted (triggers refuse both).
audit_log = Table(
    "audit_log",
    metadata,
    id_column(),
    Column("created_at", UtcDateTime, nullable=False),
    Column("actor_id", BigId),
    Column("actor_name", String(128)),
    Column("action", String(48), nullable=False),
    Column("site_id", String(64)),
    Column("comment_id", BigId),
    Column("account_id", BigId),
    # JSON objects: the fields the action changed, before and after.
    Column("before", Text, nullable=False, server_default="{}"),
    Column("after", Text, nullable=False, server_default="{}"),
    Column("reason", Text),
    Column("note", Text),
    Index("ix_audit_log_created_at", "created_at"),
    Index("ix_audit_log_site_id", "site_id", "created_at"),
    Index("ix_audit_log_comment_id", "comment_id"),
    Index("ix_audit_log_account_id", "account_id"),
)

# A site's own toxicity layer, trained on its moderators' decisions (``rejoinder moderation
# retrain --site S --save``), with the figures it was measured by; applied only when enabled.
site_layers = Table(
    "moderation_site_layers",
    metadata,
    Column("site_id", String(64), primary_key=True),
    # JSON {"base_weight", "bias", "weights": {feature: weight}}: see moderation.learning.Layer.
    Column("layer", Text, nullable=False),
    Column("enabled", Boolean, nullable=False, server_default=false()),
    Column("decisions", Integer, nullable=False),
    Column("held_back", Integer, nullable=False),
    Column("precision", Float, nullable=False),
    Column("recall", Float, nullable=False),
    Column("shipped_precision", Float, nullable=False),
    Column("shipped_recall", Float, nullable=False),
    Column("trained_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Queues select comments by status across stories: the thread indexes start with story_id.
Index("ix_comments_status_created_at", comments.c.status, comments.c.created_at)
