"""Commento and Comentario JSON exports (``{"version": 1, "comments": [...], "commenters":
[...]}``). A page (``domain`` + ``url``) is a thread; ``parentHex`` ``root`` is the top level;
``state`` ``approved`` is published, ``unapproved``/``flagged`` held; comments carry Markdown,
rendered like our own. One JSON document: read whole (these exports are small)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from rejoinder.imports.formats.dates import parse_moment
from rejoinder.imports.formats.jsondoc import load_document, string
from rejoinder.imports.records import Author, Comment, Position, Problem, Record, Thread
from rejoinder.imports.source import BadInput


def parse(stream: IO[bytes], path: str) -> Iterator[Record]:  # noqa: ARG001 - the common signature
    document = load_document(stream)
    if not isinstance(document, dict) or not isinstance(document.get("comments"), list):
        raise BadInput("not a Commento export: no 'comments' list", Position(line=1))
    people: dict[str, Author] = {}
    for person in document.get("commenters") or []:
        if isinstance(person, dict) and string(person.get("commenterHex")):
            people[str(person["commenterHex"])] = Author(
                name=string(person.get("name")) or "",
                email=string(person.get("email")),
                key=str(person["commenterHex"]),
                url=string(person.get("link")),
            )
    threads: set[str] = set()
    for number, item in enumerate(document["comments"], start=1):
        position = Position(record=number)
        record = _comment(item, position, people)
        if isinstance(record, Comment) and record.thread_id not in threads:
            threads.add(record.thread_id)
            yield Thread(source_id=record.thread_id, url=record.thread_id, position=position)
        yield record


def _comment(item: Any, position: Position, people: dict[str, Author]) -> Record:
    if not isinstance(item, dict):
        return Problem("a comment that is not an object: skipped", position, comment=True)
    hex_id = string(item.get("commentHex"))
    created = parse_moment(string(item.get("creationDate")))
    if not hex_id or created is None:
        return Problem("a comment without an id or a date: skipped", position, comment=True)
    domain = string(item.get("domain")) or ""
    page = string(item.get("url")) or string(item.get("path")) or "/"
    parent = string(item.get("parentHex"))
    commenter = string(item.get("commenterHex")) or "anonymous"
    state = (string(item.get("state")) or "approved").lower()
    return Comment(
        source_id=hex_id,
        thread_id=f"{domain}{page}" if domain else page,
        created_at=created,
        author=people.get(commenter, Author(name="Anonymous")),
        parent_id=parent if parent and parent != "root" else None,
        text=string(item.get("markdown")) or "",
        deleted=item.get("deleted") is True,
        pending=state in {"unapproved", "flagged"},
        position=position,
    )
