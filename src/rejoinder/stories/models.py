"""Tables: stories, one per article a site shows comments under."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Integer, String, Table, Text, UniqueConstraint, false

from rejoinder.storage.metadata import UtcDateTime, id_column, metadata

# ``hidden``: closed and its comments not shown (a site's protection rule, ``action = "hide"``).
STORY_STATUSES = ("open", "closed", "hidden")

stories = Table(
    "stories",
    metadata,
    id_column(),
    Column("site_id", String(64), nullable=False),
    # The publisher's own id for the article; unique within a site, public.
    Column("story_key", String(255), nullable=False),
    Column("title", String(500), nullable=False, server_default=""),
    Column("url", String(2000), nullable=False, server_default=""),
    Column("section", String(255)),
    Column("status", String(16), nullable=False, server_default="open"),
    Column("close_at", UtcDateTime),
    Column("published_at", UtcDateTime),
    # A message shown above the stream ("Comments are reviewed before they appear").
    Column("message", Text),
    Column("premoderated", Boolean, nullable=False, server_default=false()),
    # Published, not deleted comments at every level; kept in the same transaction.
    Column("comment_count", Integer, nullable=False, server_default="0"),
    # `admin` (publisher API) or `embed` (lazily, from an allowed domain).
    Column("created_by", String(16), nullable=False, server_default="admin"),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("site_id", "story_key"),
)
