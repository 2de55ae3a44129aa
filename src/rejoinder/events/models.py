"""Tables: the event log (the outbox every transaction writes to) and consumers' positions."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, String, Table, Text

from rejoinder.storage.metadata import BigId, UtcDateTime, id_column, metadata

# One row per domain event, written in the transaction that made the change. The id is the
# log's order: the relay delivers by it, live streams resume from it (``Last-Event-ID``).
events = Table(
    "events",
    metadata,
    id_column(),
    Column("name", String(64), nullable=False),
    Column("site_id", String(64)),
    Column("story_id", BigId),
    Column("account_id", BigId),
    Column("payload", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Index("ix_events_story_id_id", "story_id", "id"),
    Index("ix_events_created_at", "created_at"),
    # Never reuse an id on SQLite, even after the log is pruned: ids are resume points.
    sqlite_autoincrement=True,
)

# Durable consumers (notifications, webhooks, ...) record how far they have read; a consumer
# that restarts resumes from here. In-process consumers (caches) start at the log's head.
consumer_positions = Table(
    "consumer_positions",
    metadata,
    Column("consumer", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)
