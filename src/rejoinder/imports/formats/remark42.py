"""Remark42 backups: JSON Lines, a first line with ``version``, ``users`` and ``posts`` (the
pages), then one comment per line (``id``, ``pid`` the parent, ``text`` HTML, ``user``,
``locator.url`` the page, ``time``, ``delete``). Read line by line: memory stays flat."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from rejoinder.imports.formats.dates import parse_moment
from rejoinder.imports.formats.jsondoc import lines, string
from rejoinder.imports.records import Author, Comment, Position, Problem, Record, Thread


def parse(stream: IO[bytes], path: str) -> Iterator[Record]:  # noqa: ARG001 - the common signature
    threads: set[str] = set()
    for position, item in lines(stream):
        if not isinstance(item, dict):
            yield Problem("a line that is not an object: skipped", position, comment=True)
            continue
        if "version" in item and "id" not in item:
            for post in item.get("posts") or []:
                url = string(post.get("url")) if isinstance(post, dict) else None
                if url and url not in threads:
                    threads.add(url)
                    yield Thread(
                        source_id=url,
                        url=url,
                        closed=post.get("read_only") is True,
                        position=position,
                    )
            continue
        record = _comment(item, position)
        if isinstance(record, Comment) and record.thread_id not in threads:
            threads.add(record.thread_id)
            yield Thread(source_id=record.thread_id, url=record.thread_id, position=position)
        yield record


def _comment(item: dict[str, Any], position: Position) -> Record:
    comment_id = string(item.get("id"))
    locator = item.get("locator")
    url = string(locator.get("url")) if isinstance(locator, dict) else None
    created = parse_moment(string(item.get("time")))
    if not comment_id or not url or created is None:
        return Problem("a comment without an id, a page or a date: skipped", position, comment=True)
    user = item.get("user") if isinstance(item.get("user"), dict) else {}
    assert isinstance(user, dict)
    parent = string(item.get("pid"))
    return Comment(
        source_id=comment_id,
        thread_id=url,
        created_at=created,
        author=Author(name=string(user.get("name")) or "", key=string(user.get("id"))),
        parent_id=parent or None,
        html=string(item.get("text")) or "",
        deleted=item.get("delete") is True,
        position=position,
    )
