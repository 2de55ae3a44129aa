"""Tables: what was imported from where (idempotency), and the imported authors."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, PrimaryKeyConstraint, String, Table

from rejoinder.storage.metadata import BigId, UtcDateTime, metadata

# One row per imported comment: (site, source system, the source's own id) → our comment.
# A second run of the same export finds every id here and imports nothing; a newer export
# adds only the ids it does not find. ``run_id`` tells a duplicate id inside one file (same
# run) from one imported by an earlier run.
import_sources = Table(
    "import_sources",
    metadata,
    Column("site_id", String(64), nullable=False),
    Column("system", String(16), nullable=False),
    Column("source_id", String(255), nullable=False),
    Column("comment_id", BigId, ForeignKey("comments.id", ondelete="CASCADE"), nullable=False),
    Column("run_id", String(32), nullable=False),
    Column("imported_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("site_id", "system", "source_id"),
    Index("ix_import_sources_comment_id", "comment_id"),
)

# An imported author is an account that can never sign in (no external id, e-mail or
# password) with the role ``imported``: shown under its original name, marked "Imported".
# ``author_key`` identifies the person within the site (the hash of their e-mail, else the
# source's user id, else their name); ``email_hash`` lets them claim the history when they
# sign in through SSO with that e-mail verified. The e-mail itself is never stored.
imported_authors = Table(
    "imported_authors",
    metadata,
    Column(
        "account_id",
        BigId,
        ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("site_id", String(64), nullable=False),
    Column("author_key", String(255), nullable=False),
    Column("email_hash", String(64)),
    Column("claimed_by", BigId, ForeignKey("accounts.id", ondelete="SET NULL")),
    Column("claimed_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Index("uq_imported_authors_site_id_author_key", "site_id", "author_key", unique=True),
    Index("ix_imported_authors_email_hash", "email_hash"),
)
