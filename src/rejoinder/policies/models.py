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

# A request to remove a comment on legal grounds, with its statutory clock.
takedown_requests = Table(
    "takedown_requests",
    metadata,
    id_column(),
    Column("site_id", String(64), nullable=False),
    Column("comment_id", BigId, ForeignKey("comments.id", ondelete="SET NULL")),
    Column("permalink", String(2000)),
    Column("reason", String(64), nullable=False),
    Column("contact_name", String(200), nullable=False),
    Column("contact_email", String(320), nullable=False),
    Column("statement", Text, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("deadline_at", UtcDateTime, nullable=False),
    # open, removed (the comment was taken down) or kept
    Column("status", String(16), nullable=False, server_default="open"),
    Column("decided_at", UtcDateTime),
    Column("decided_by", BigId),
    Column("decision_reason", Text),
    # The language of the form it came from: its mail is written in it (0017).
    Column("language", String(8), nullable=False, server_default="en"),
    # Reminders to the site's moderators, once each: due within a day, then overdue (0017).
    Column("due_reminded_at", UtcDateTime),
    Column("overdue_reminded_at", UtcDateTime),
    Index("ix_takedown_requests_site", "site_id", "status", "deadline_at"),
    Index("ix_takedown_requests_received", "received_at"),
)

# Messages to the requester (acknowledgement, decision), kept as written; the notifications
# consumer queues each as a mail (its Message-ID is recorded here) once the event arrives.
takedown_messages = Table(
    "takedown_messages",
    metadata,
    id_column(),
    Column(
        "request_id",
        BigId,
        ForeignKey("takedown_requests.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("kind", String(16), nullable=False),
    Column("to_email", String(320), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    Column("mail_message_id", String(255)),
    Index("ix_takedown_messages_request", "request_id"),
)
