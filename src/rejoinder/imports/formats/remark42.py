"""Remark42 backups (``backend/app/migrator/native.go``): JSON Lines, usually gzipped.

The first line is the meta (``version`` 1, or none in old backups; ``users``, and ``posts``
with each page's ``url`` and ``read_only``); then one ``store.Comment`` per line: ``id``,
``pid`` the parent (empty at the top level), ``text`` (HTML, sanitised by Remark42),
``user`` (``name``, ``id`` such as ``github_…``), ``locator.url`` the page, ``time``,
``edit.time``, ``title`` (the page's title) and ``delete``. Remark42 stores the user's name
HTML-escaped (``Sanitize``), so it is unescaped here; a hard delete renames the user
``deleted``. Read line by line: memory stays flat.

Backups of Remark42's first year (``migrator/remark.go``) are one JSON document written a
comment a line: ``{"version":1, "comments":[``, then each comment followed by ``,``, then
``],`` and ``"meta":{...}`` and ``}``. They are read line by line too, as the same records
(their meta comes last: a read-only page is not known to be one when its story is made).
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

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
            continue
        record = _comment(item, position)
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
