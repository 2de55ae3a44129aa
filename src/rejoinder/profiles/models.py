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

# Display names no subscriber may take (on any site: a display name shows everywhere), each
# reserved on the site it came from: today, the names of imported authors. ``key`` and
# ``skeleton`` are the policy's two uniqueness forms. Once the author claims their imported
# history (``claimed_by``), the name is theirs to take.
reserved_names = Table(
    "reserved_names",
    metadata,
    id_column(),
    Column("site_id", String(64), nullable=False),
    Column("display_name", String(128), nullable=False),
    Column("name_key", String(512), nullable=False),
    Column("skeleton", String(512), nullable=False),
    Column("account_id", BigId, ForeignKey("accounts.id", ondelete="CASCADE")),
    Column("claimed_by", BigId, ForeignKey("accounts.id", ondelete="SET NULL")),
    Column("created_at", UtcDateTime, nullable=False),
    Index("uq_reserved_names_site_id_name_key", "site_id", "name_key", unique=True),
    Index("ix_reserved_names_name_key", "name_key"),
    Index("ix_reserved_names_skeleton", "skeleton"),
)
