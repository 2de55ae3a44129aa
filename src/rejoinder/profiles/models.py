"""Tables: every display name a reader has held, for moderators."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, String, Table

from rejoinder.storage.metadata import BigId, UtcDateTime, id_column, metadata

display_name_history = Table(
    "display_name_history",
    metadata,
    id_column(),
    Column("account_id", BigId, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("previous_name", String(128)),
    Column("display_name", String(128), nullable=False),
    Column("changed_at", UtcDateTime, nullable=False),
    Index("ix_display_name_history_account_id", "account_id"),
)
