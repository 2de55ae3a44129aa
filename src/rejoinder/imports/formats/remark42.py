"""Remark42 backups (``backend/app/migrator/native.go``): JSON Lines, usually gzipped.

The first line is the meta (``version`` 1, or none in old backups; ``users``, and ``posts``
with each page's ``url`` and ``read_only``); then one ``store.Comment`` per line: ``id``,
``pid`` the parent (empty at the top level), ``text`` (HTML, sanitised by Remark42),
``user`` (``name``, ``id`` such as ``github_…``), ``locator.url`` the page, ``time``,
``edit.time``, ``title`` (the page's title) and ``delete``. Remark42 stores the user's name
HTML-escaped (``Sanitize``), so it is unescaped here; a hard delete renames the user
``deleted``. Read line by line: memory stays flat.

The meta's ``users`` carry Remark42's blocks (``{"id", "blocked": {"status", "until"}}``).
Remark42 hides a blocked reader's comments from the public, so they are imported held for
moderation, not published: a block in force at the import (no end, or an end still to come)
counts; one that has ended does not.

Backups of Remark42's first year (``migrator/remark.go``) are one JSON document written a
comment a line: ``{"version":1, "comments":[``, then each comment followed by ``,``, then
``],`` and ``"meta":{...}`` and ``}``. They are read line by line too, as the same records
(their meta comes last: a read-only page is not known to be one when its story is made, and
a blocked reader's comments are already imported when the block is read; the report says
how many, so that a moderator can hold them).
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import IO, Any

import msgspec

from rejoinder.imports.formats.dates import parse_moment
from rejoinder.imports.formats.jsondoc import lines, string
from rejoinder.imports.records import Author, Comment, Position, Problem, Record, Thread


def _is_meta(item: dict[str, Any]) -> bool:
    return "id" not in item and ("version" in item or "posts" in item or "users" in item)


_LEGACY = re.compile(rb'^(\xef\xbb\xbf)?\{\s*"version"\s*:\s*\d+\s*,\s*"comments"\s*:\s*\[$')
_META = b'"meta":'


def _legacy(rest: Iterable[bytes]) -> Iterator[bytes]:
    """The lines of a first-year backup as JSON Lines (one for one, so numbers hold)."""
    yield b"\n"  # the header
    for raw in rest:
        line = raw.strip()
        if line in {b"],", b"]", b"}"}:
            yield b"\n"
        elif line.startswith(_META):
            yield line[len(_META) :] + b"\n"
        else:
            yield line.removesuffix(b",") + b"\n"


def parse(stream: IO[bytes], path: str) -> Iterator[Record]:  # noqa: ARG001 - the common signature
    head = stream.readline()
    source = _legacy(stream) if _LEGACY.match(head.strip()) else itertools.chain([head], stream)
    threads: set[str] = set()
    closed: set[str] = set()
    pages: dict[str, Position] = {}
    blocks = _Blocks()
    for position, item in lines(source):
        if not isinstance(item, dict):
            yield Problem("a line that is not an object: skipped", position, comment=True)
            continue
        if _is_meta(item):
            # Pages are announced with their first comment, which carries the title.
            for post in item.get("posts") or []:
                url = string(post.get("url")) if isinstance(post, dict) else None
                if url and isinstance(post, dict):
                    pages.setdefault(url, position)
                    if post.get("read_only") is True:
                        closed.add(url)
            yield from blocks.learn(item.get("users"), position)
            continue
        record = _comment(item, position)
        if isinstance(record, Comment):
            record = blocks.apply(record)
        if isinstance(record, Comment) and record.thread_id not in threads:
            threads.add(record.thread_id)
            yield Thread(
                source_id=record.thread_id,
                url=record.thread_id,
                title=html.unescape(string(item.get("title")) or ""),
                closed=record.thread_id in closed,
                position=position,
            )
        yield record
    for url, position in pages.items():  # pages the meta names, without a comment here
        if url not in threads:
            yield Thread(source_id=url, url=url, closed=url in closed, position=position)
    if blocks.held:
        yield Problem(
            f"{blocks.held} comment(s) by readers Remark42 had blocked (it hides them) were "
            "imported held for moderation"
        )


class _Blocks:
    """The readers Remark42 had blocked (the meta's ``users``), and their comments held."""

    def __init__(self) -> None:
        self.blocked: set[str] = set()
        self.held = 0
        self._seen: dict[str, int] = {}  # comments read so far, per author key
        self._now = datetime.now(UTC)

    def learn(self, users: Any, position: Position) -> Iterator[Problem]:
        """Blocks in force now (no end, or an end to come); a note for comments already read."""
        newly: set[str] = set()
        for user in users if isinstance(users, list) else ():
            block = user.get("blocked") if isinstance(user, dict) else None
            key = string(user.get("id")) if isinstance(user, dict) else None
            if not key or not isinstance(block, dict) or block.get("status") is not True:
                continue
            until = parse_moment(string(block.get("until")))  # None for Go's zero time
            if until is None or until > self._now:
                newly.add(key)
        newly -= self.blocked
        late = sum(self._seen.get(key, 0) for key in newly)
        if late:
            yield Problem(
                f"{late} comment(s) by {len(newly)} reader(s) the backup marks as blocked came "
                "before the block in the file and were imported as published: hold them on "
                "the desk if they should stay hidden",
                position,
            )
        self.blocked |= newly

    def apply(self, comment: Comment) -> Comment:
        key = comment.author.key if comment.author is not None else None
        if not key:
            return comment
        self._seen[key] = self._seen.get(key, 0) + 1
        if key not in self.blocked or comment.deleted:
            return comment
        self.held += 1
        return msgspec.structs.replace(comment, pending=True)


def _comment(item: dict[str, Any], position: Position) -> Record:
    comment_id = string(item.get("id"))
    locator = item.get("locator")
    url = string(locator.get("url")) if isinstance(locator, dict) else None
    created = parse_moment(string(item.get("time")))
    if not comment_id or not url or created is None:
        return Problem("a comment without an id, a page or a date: skipped", position, comment=True)
    user = item.get("user") if isinstance(item.get("user"), dict) else {}
    assert isinstance(user, dict)
    edit = item.get("edit") if isinstance(item.get("edit"), dict) else {}
    assert isinstance(edit, dict)
    parent = string(item.get("pid"))
    key = string(user.get("id"))
    name = html.unescape(string(user.get("name")) or "")
    if key == "deleted":  # a hard delete: no one to keep apart from anyone else
        key, name = None, ""
    return Comment(
        source_id=comment_id,
        thread_id=url,
        created_at=created,
        author=Author(name=name, key=key),
        parent_id=parent or None,
        html=string(item.get("text")) or "",
        deleted=item.get("delete") is True,
        edited_at=parse_moment(string(edit.get("time"))),
        position=position,
    )
