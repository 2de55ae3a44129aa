"""Tables of the newsroom policies: self-protecting sections (tallies, alerts)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from rejoinder.storage.metadata import BigId, UtcDateTime, id_column, metadata

# One row per counted event (a held or rejected comment, a report), with the event's time:
# the rule counts rows of one story and kind inside its window.
protection_tallies = Table(
    "protection_tallies",
    metadata,
    id_column(),
    Column("site_id", String(64), nullable=False),
    Column("story_id", BigId, ForeignKey("stories.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("event_id", BigId, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_protection_tallies_story", "story_id", "kind", "at"),
)

# A rule that fired: what it did to the story, what was there before (restored on reopen).
protection_alerts = Table(
    "protection_alerts",
    metadata,
    id_column(),
    Column("site_id", String(64), nullable=False),
    Column("story_id", BigId, ForeignKey("stories.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("count", Integer, nullable=False),
    Column("threshold", Integer, nullable=False),
    Column("window_minutes", Integer, nullable=False),
    Column("action", String(16), nullable=False),
    Column("message", Text),
    Column("previous_status", String(16), nullable=False),
    Column("previous_message", Text),
    Column("triggered_at", UtcDateTime, nullable=False),
    Column("event_id", BigId, nullable=False),
    Column("reopened_at", UtcDateTime),
    Column("reopened_by", BigId),
    Index("ix_protection_alerts_site", "site_id", "reopened_at"),
    Index("ix_protection_alerts_story", "story_id", "reopened_at"),
)
