"""Tables: a reader's notification preferences and pending deletion requests."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, String, Table, true

from rejoinder.storage.metadata import BigId, UtcDateTime, metadata

DIGESTS = ("off", "daily", "weekly")

notification_preferences = Table(
    "notification_preferences",
    metadata,
    Column("account_id", BigId, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("reply_notifications", Boolean, nullable=False, server_default=true()),
    # E-mail digest of replies and moderation outcomes: one of DIGESTS.
    Column("email_digest", String(16), nullable=False, server_default="off"),
    Column("updated_at", UtcDateTime, nullable=False),
)

# One row while a deletion is pending; removing the row cancels it.
deletion_requests = Table(
    "deletion_requests",
    metadata,
    Column("account_id", BigId, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("delete_after", UtcDateTime, nullable=False, index=True),
)
