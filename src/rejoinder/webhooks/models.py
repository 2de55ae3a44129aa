"""Tables: webhook endpoints and their deliveries (one row per event and endpoint)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)

from rejoinder.storage.metadata import BigId, UtcDateTime, id_column, metadata

DELIVERY_STATUSES = ("pending", "delivered", "failed")

webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    id_column(),
    Column("url", String(2000), nullable=False),
    # The public event names it subscribes to, as a JSON list.
    Column("events", Text, nullable=False),
    Column("description", String(500), nullable=False, server_default=""),
    # `whsec_` + base64: kept to sign with; shown to the admin once, when made or rotated.
    Column("secret", String(128), nullable=False),
    # During a rotation the previous secret signs too, until `previous_expires_at`.
    Column("previous_secret", String(128)),
    Column("previous_expires_at", UtcDateTime),
    Column("enabled", Boolean, nullable=False, server_default=true()),
    # `failing` when Rejoinder disabled it after failing for days; null when an admin did.
    Column("disabled_reason", String(32)),
    Column("disabled_at", UtcDateTime),
    # The first failure since the last success: what auto-disabling counts from.
    Column("failing_since", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    id_column(),
    Column(
        "endpoint_id",
        BigId,
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("event_id", BigInteger, nullable=False),
    Column("event_type", String(64), nullable=False),
    # The `webhook-id` header: the same for every attempt of this event to this endpoint.
    Column("webhook_id", String(64), nullable=False),
    # The exact body sent, built once: every retry sends (and signs) the same bytes.
    Column("payload", Text, nullable=False),
    Column("status", String(16), nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    # A worker's lease on an attempt in flight; an expired lease is claimed again.
    Column("claimed_until", UtcDateTime),
    Column("last_attempt_at", UtcDateTime),
    Column("last_status_code", Integer),
    Column("last_duration_ms", Integer),
    Column("last_error", String(500)),
    Column("delivered_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("endpoint_id", "event_id"),
    Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    Index("ix_webhook_deliveries_endpoint_id_status_id", "endpoint_id", "status", "id"),
)
