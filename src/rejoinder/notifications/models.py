"""Tables: a reader's notification settings, their in-page notifications, and queued mail."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    false,
    text,
    true,
)

from rejoinder.storage.metadata import BigId, UtcDateTime, id_column, metadata

KINDS = ("reply", "featured", "moderation", "staff_reply")
EMAIL_MODES = ("off", "immediate", "daily", "weekly")
MAIL_STATUSES = ("queued", "sent", "failed")

# One row once a reader saves their settings (defaults until then). The account page wrote
# the first two columns before anything read them; 0008 added the rest.
notification_preferences = Table(
    "notification_preferences",
    metadata,
    Column("account_id", BigId, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    # Per kind, on or off (in-page and mail alike).
    Column("reply_notifications", Boolean, nullable=False, server_default=true()),
    Column("featured_notifications", Boolean, nullable=False, server_default=true()),
    Column("moderation_notifications", Boolean, nullable=False, server_default=true()),
    Column("staff_reply_notifications", Boolean, nullable=False, server_default=true()),
    # Mail: one of EMAIL_MODES (the column kept its first name, from when it was digests only).
    Column("email_digest", String(16), nullable=False, server_default="off"),
    # IANA zone and language of digests and mail; null: the site's.
    Column("time_zone", String(64)),
    Column("language", String(8)),
    # The last digest period mailed (`2026-01-05` daily, `2026-W02` weekly): one per period.
    Column("digest_period", String(16)),
    Column("updated_at", UtcDateTime, nullable=False),
)

notifications = Table(
    "notifications",
    metadata,
    id_column(),
    Column("account_id", BigId, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("comment_id", BigId, ForeignKey("comments.id", ondelete="CASCADE"), nullable=False),
    Column("story_id", BigId, ForeignKey("stories.id", ondelete="CASCADE"), nullable=False),
    Column("actor_id", BigId, ForeignKey("accounts.id", ondelete="SET NULL")),
    # `approved` / `rejected` and the moderator's reason, for kind `moderation`.
    Column("outcome", String(16)),
    Column("reason", Text),
    # The event it was made from: with the consumer's position, never made twice.
    Column("event_id", BigId, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("read_at", UtcDateTime),
    # Waiting for the reader's next digest.
    Column("digest_pending", Boolean, nullable=False, server_default=false()),
    Index("ix_notifications_account_id_id", "account_id", "id"),
    Index(
        "ix_notifications_digest",
        "account_id",
        "created_at",
        postgresql_where=text("digest_pending"),
        sqlite_where=text("digest_pending"),
    ),
)

# Mail waiting to go, or gone. Bodies are rendered when queued; the address is read from the
# account when sent (so an erased or changed address is never used). Mail to someone without
# an account (a takedown requester) has no account and its address in ``to_email`` (0017).
mails = Table(
    "mails",
    metadata,
    id_column(),
    Column("account_id", BigId, ForeignKey("accounts.id", ondelete="CASCADE")),
    Column("to_email", String(320)),
    # `immediate` or `digest`.
    Column("kind", String(16), nullable=False),
    # Stable across every attempt: a receiver that saw it once can tell a resend.
    Column("message_id", String(255), nullable=False, unique=True),
    Column("subject", Text, nullable=False),
    Column("text_body", Text, nullable=False),
    Column("html_body", Text, nullable=False),
    Column("status", String(16), nullable=False, server_default="queued"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    # Due time; a claim moves it forward by the lease, so a killed worker's mail comes back.
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("last_error", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    Index(
        "ix_mails_due",
        "next_attempt_at",
        postgresql_where=text("status = 'queued'"),
        sqlite_where=text("status = 'queued'"),
    ),
    Index("ix_mails_account_id", "account_id"),
)
