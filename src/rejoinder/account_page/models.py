"""Tables: pending deletion requests (notification settings live with ``notifications``)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Table

from rejoinder.notifications.models import notification_preferences
from rejoinder.storage.metadata import BigId, UtcDateTime, metadata

__all__ = ["deletion_requests", "notification_preferences"]

# One row while a deletion is pending; removing the row cancels it.
deletion_requests = Table(
    "deletion_requests",
    metadata,
    Column("account_id", BigId, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("delete_after", UtcDateTime, nullable=False, index=True),
)
