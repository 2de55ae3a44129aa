"""Tables: accounts, the access tokens Rejoinder issues, and the SSO tokens exchanged."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from rejoinder.storage.metadata import BigId, UtcDateTime, id_column, metadata

ROLES = ("commenter", "staff", "moderator", "admin")
STATUSES = ("active", "suspended", "banned")
# The role of an imported author (``imports``): not in ROLES, so no one can be given it,
# and such an account has no way to sign in.
IMPORTED_ROLE = "imported"

accounts = Table(
    "accounts",
    metadata,
    id_column(),
    # The publisher's subscriber id (SSO `sub`); null for local accounts.
    Column("external_id", String(255), unique=True),
    Column("email", String(320)),
    # Lower-cased e-mail of a local account; unique so two registrations cannot race.
    Column("email_key", String(320), unique=True),
    Column("password_hash", String(255)),
    Column("plan_id", String(64), nullable=False),
    Column("plan_changed_at", UtcDateTime, nullable=False),
    Column("role", String(16), nullable=False, server_default="commenter"),
    Column("status", String(16), nullable=False, server_default="active"),
    Column("status_until", UtcDateTime),
    Column("status_reason", Text),
    Column("display_name", String(128)),
    # NFKC + case-folded name and its TR39 skeleton: the two uniqueness guards.
    Column("display_name_key", String(512), unique=True),
    Column("display_name_skeleton", String(512), unique=True),
    Column("display_name_changed_at", UtcDateTime),
    Column("bio", Text, nullable=False, server_default=""),
    # Badges granted by the publisher's SSO token, JSON list of strings.
    Column("sso_badges", Text, nullable=False, server_default="[]"),
    # Verification claims (``phone_verified``...) that were true in the last SSO token, JSON.
    Column("sso_verified", Text, nullable=False, server_default="[]"),
    # The reader's registered (legal) name, for sites that require one: never public.
    Column("registered_first_name", String(128)),
    Column("registered_surname", String(128)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

access_tokens = Table(
    "access_tokens",
    metadata,
    id_column(),
    # SHA-256 of the bearer token: a leaked table does not leak usable tokens.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("account_id", BigId, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("method", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
    Index("ix_access_tokens_account_id", "account_id"),
)

sso_exchanges = Table(
    "sso_exchanges",
    metadata,
    # SHA-256 of the token's `jti` (with its issuer) or, without one, of the whole token.
    Column("token_key", String(64), primary_key=True),
    Column("uses", Integer, nullable=False),
    # When the token itself stops being accepted; the row may go after that.
    Column("expires_at", UtcDateTime, nullable=False),
    Index("ix_sso_exchanges_expires_at", "expires_at"),
)
