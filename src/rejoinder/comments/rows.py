"""Turning stored rows into public views: authors, badges, tombstones."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, NamedTuple, TypeAlias

import msgspec

from rejoinder.accounts.models import IMPORTED_ROLE, accounts
from rejoinder.accounts.viewer import STAFF_ROLES
from rejoinder.comments.models import comments
from rejoinder.comments.schemas import AuthorView, CommentView
from rejoinder.settings import Settings, SiteSettings

COLUMNS = (
    comments.c.id,
    comments.c.story_id,
    comments.c.parent_id,
    comments.c.depth,
    comments.c.account_id,
    comments.c.body_html,
    comments.c.status,
    comments.c.moderation_reason,
    comments.c.created_at,
    comments.c.edited_at,
    comments.c.deleted_at,
    comments.c.reply_count,
    comments.c.reaction_count,
    comments.c.reactions,
    comments.c.featured,
    comments.c.pinned,
    accounts.c.display_name,
    accounts.c.role,
    accounts.c.plan_id,
    accounts.c.sso_badges,
    # Only for a site whose public name is the initials (never shown whole).
    accounts.c.registered_first_name,
    accounts.c.registered_surname,
)


class CommentRow(NamedTuple):
    id: int
    story_id: int
    parent_id: int | None
    depth: int
    account_id: int | None
    body_html: str
    status: str
    moderation_reason: str | None
    created_at: datetime
    edited_at: datetime | None
    deleted_at: datetime | None
    reply_count: int
    reaction_count: int
    reactions: str
    featured: bool
    pinned: bool
    display_name: str | None
    role: str | None
    plan_id: str | None
    sso_badges: str | None
    registered_first_name: str | None
    registered_surname: str | None


assert CommentRow._fields == tuple(c.name for c in COLUMNS)  # the two shapes stay in step

# A row from the data layer (a named tuple of the statement's columns): any width.
AnyRow: TypeAlias = Any
# A comment row to show: the ``COLUMNS`` of a query, or a ``CommentRow`` built in memory.
ViewRow: TypeAlias = Any

FROM = comments.outerjoin(accounts, accounts.c.id == comments.c.account_id)

_decode_counts = msgspec.json.Decoder(dict[str, int])


def badges(role: str, plan_id: str, sso_badges: str, settings: Settings) -> list[str]:
    """Staff first, then the plan's badge, then badges from the publisher's SSO token."""
    if role == IMPORTED_ROLE:  # an author from the old system, never a signed-in reader
        return ["Imported"]
    out = ["Staff"] if role in STAFF_ROLES else []
    plan = settings.plan(plan_id)
    if plan is not None and plan.badge:
        out.append(plan.badge)
    if sso_badges and sso_badges != "[]":
        out.extend(b for b in json.loads(sso_badges) if b not in out)
    return out


def uses_initials(site: SiteSettings | None) -> bool:
    """Whether ``site`` shows commenters by the initials of their registered name."""
    return site is not None and site.public_name == "initials"


def initials(first_name: str | None, surname: str | None) -> str | None:
    """``Hanako``, ``Yamashita`` → ``H. Y.``; None unless both parts are registered."""
    if not first_name or not surname:
        return None
    return f"{first_name.strip()[:1].upper()}. {surname.strip()[:1].upper()}."


def to_view(
    row: ViewRow, settings: Settings, viewer_id: int | None = None, *, initials_of: bool = False
) -> CommentView:
    """``initials_of``: the site shows the initials of the registered name, not the display
    name (an author without a registered name keeps their display name)."""
    deleted = row.deleted_at is not None
    author = None
    if not deleted and row.account_id is not None and row.display_name is not None:
        shown = initials(row.registered_first_name, row.registered_surname) if initials_of else None
        author = AuthorView(
            id=row.account_id,
            display_name=shown or row.display_name,
            badges=badges(row.role or "", row.plan_id or "", row.sso_badges or "[]", settings),
        )
    own = viewer_id is not None and row.account_id == viewer_id
    return CommentView(
        id=row.id,
        parent_id=row.parent_id,
        depth=row.depth,
        author=author,
        body_html="" if deleted else row.body_html,
        created_at=row.created_at,
        edited_at=None if deleted else row.edited_at,
        status=row.status,
        deleted=deleted,
        reactions=_decode_counts.decode(row.reactions) if row.reaction_count else {},
        reply_count=row.reply_count,
        moderation_reason=row.moderation_reason if own and row.status != "published" else None,
        # SQLite's plain driver hands booleans back as 0/1.
        featured=bool(row.featured) and not deleted,
        pinned=bool(row.pinned) and not deleted,
    )
