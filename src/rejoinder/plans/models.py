"""Tables: the history of every reader's plan."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, String, Table

from rejoinder.storage.metadata import BigId, UtcDateTime, id_column, metadata

plan_history = Table(
    "plan_history",
    metadata,
    id_column(),
    Column("account_id", BigId, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("previous_plan_id", String(64)),
    Column("plan_id", String(64), nullable=False),
    # Who changed it: `sso`, `sync` (billing API), `register`, `admin`.
    Column("source", String(16), nullable=False),
    Column("changed_at", UtcDateTime, nullable=False),
    Index("ix_plan_history_account_id", "account_id"),
)
