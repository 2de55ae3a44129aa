"""The lines of a Rejoinder export (JSON Lines), read back by the ``rejoinder`` format.

One object per line, told apart by ``type``: a ``meta`` line first, then every ``story``,
every ``author`` (e-mail only with ``--with-emails``), then every ``comment`` with its
revisions and status. Fields are added with defaults, never renamed (``version`` 1).
"""

from __future__ import annotations

from datetime import datetime

import msgspec

VERSION = 1


class MetaLine(msgspec.Struct, tag="meta", tag_field="type", kw_only=True):
    version: int = VERSION
    site: str
    exported_at: datetime
    since: datetime | None = None


class StoryLine(msgspec.Struct, tag="story", tag_field="type", kw_only=True):
    id: int
    key: str
    title: str
    url: str
    status: str
    created_at: datetime


class AuthorLine(msgspec.Struct, tag="author", tag_field="type", kw_only=True):
    id: int
    display_name: str | None
    role: str
    imported: bool = False
    email: str | None = None


class RevisionLine(msgspec.Struct, kw_only=True):
    body: str
    body_html: str
    status: str
    written_at: datetime
    replaced_at: datetime


class CommentLine(msgspec.Struct, tag="comment", tag_field="type", kw_only=True):
    id: int
    story_id: int
    parent_id: int | None
    author_id: int | None
    body: str
    body_html: str
    status: str
    created_at: datetime
    edited_at: datetime | None = None
    deleted_at: datetime | None = None
    featured: bool = False
    pinned: bool = False
    revisions: list[RevisionLine] = msgspec.field(default_factory=list)


Line = MetaLine | StoryLine | AuthorLine | CommentLine
