"""The streamed record model every parser yields: threads, comments and their authors.

Parsers know nothing about the database: they turn a file into ``Thread`` and ``Comment``
records in file order (a thread before the comments that name it) and ``Problem`` records for
what they could not read. Positions (``Position``) travel with each record so that the report
can point at the line of the file.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

# Why a comment is not imported (the report's "skipped" lines).
SKIP_SPAM = "spam"
SKIP_TRASH = "trash"
SKIP_PINGBACK = "pingback or trackback"
SKIP_NOT_COMMENT = "not a reader's comment (a plugin's note or log)"
SKIP_NOT_PUBLIC = "on a page that is not public (private, draft or with a password)"
SKIP_DELETED = "deleted without replies"
SKIP_NO_STORY = "thread without a story"
SKIP_DUPLICATE = "duplicate id in the file"
SKIP_UNREADABLE = "unreadable record"


class Position(msgspec.Struct, frozen=True):
    """Where a record starts in the file: a line (XML, JSON Lines) or a record number."""

    line: int = 0
    column: int = 0
    record: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"record {self.record}"


class Author(msgspec.Struct, frozen=True):
    """Who wrote a comment in the old system. ``key`` is the source's own id for the person
    (a username, a commenter hex), when it has one; the e-mail is only ever hashed."""

    name: str
    email: str | None = None
    key: str | None = None
    url: str | None = None


class Thread(msgspec.Struct, frozen=True):
    """A page the old system kept comments for."""

    source_id: str
    url: str | None = None
    identifier: str | None = None
    title: str = ""
    created_at: datetime | None = None
    closed: bool = False
    position: Position = Position()


class Comment(msgspec.Struct, frozen=True):
    """One comment as the old system had it.

    ``html`` is the source's HTML (sanitised on the way in) or ``text`` its plain or Markdown
    text (rendered like our own). ``skip`` is a reason from this module's ``SKIP_*`` when the
    source says it must not be shown (spam, trash, pingbacks); ``deleted`` comments are kept
    as tombstones only when they have replies; ``pending`` ones are imported held.
    """

    source_id: str
    thread_id: str
    created_at: datetime
    author: Author | None = None
    parent_id: str | None = None
    html: str | None = None
    text: str | None = None
    deleted: bool = False
    pending: bool = False
    skip: str | None = None
    edited_at: datetime | None = None
    position: Position = Position()


class Problem(msgspec.Struct, frozen=True):
    """A record the parser could not read; ``fatal`` stops the file there."""

    message: str
    position: Position = Position()
    fatal: bool = False
    comment: bool = False  # a comment that could not be read (counted as skipped)


Record = Thread | Comment | Problem
