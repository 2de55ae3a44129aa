"""Commento and Comentario JSON exports: one document, read whole (these exports are small).

Three shapes, told apart by ``version`` (as Comentario's own importer does, in
``internal/svc/import_export.go``):

- **Commento** (``version`` 1, ``api/domain_export.go``): ``comments`` with ``commentHex``,
  ``domain``, ``url`` (the page's *path*), ``commenterHex`` (``anonymous`` for guests),
  ``markdown``, ``parentHex`` (``root`` at the top level), ``state`` and ``creationDate``;
  ``commenters`` (``commenterHex``, ``name``, ``email``, ``link``, which is ``undefined``
  when none was given), once per comment.
  ``state`` is ``approved``, ``unapproved`` (held) or ``flagged``: Akismet called it spam.
  The export has no ``deleted`` column: a comment that reads ``[deleted]`` by
  ``anonymous`` is how ``commentDelete`` leaves one, and is read as deleted. (An empty
  comment by a known commenter is only empty.)
- **Comentario 2** (also ``version`` 1): the same, but the page is ``host`` + ``path`` (its
  ``url`` may be the comment's own address, ``#fragment`` and all), commenters have
  ``websiteUrl``, and the anonymous commenter is 64 zeros.
- **Comentario 3** (``version`` 3): ``pages`` (``id``, ``path``, ``title``, ``isReadonly``),
  ``comments`` by UUID (``id``, ``parentId``, ``pageId``, ``markdown``, ``isApproved``,
  ``isPending``, ``isDeleted``, ``createdTime``, ``editedTime``, ``userCreated``,
  ``authorName`` for guests) and ``commenters`` (``id``, ``name``, ``email``,
  ``websiteUrl``). A comment neither approved nor pending was rejected by a moderator.

Comments carry Markdown, rendered like our own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from rejoinder.imports.formats.dates import parse_moment
from rejoinder.imports.formats.jsondoc import load_document, string
from rejoinder.imports.records import (
    SKIP_SPAM,
    SKIP_TRASH,
    Author,
    Comment,
    Position,
    Problem,
    Record,
    Thread,
)
from rejoinder.imports.source import BadInput

_ANONYMOUS = {"", "anonymous", "0" * 64, "00000000-0000-0000-0000-000000000000"}
_GUEST = Author(name="Anonymous")


def parse(stream: IO[bytes], path: str) -> Iterator[Record]:  # noqa: ARG001 - the common signature
    document = load_document(stream)
    if not isinstance(document, dict) or not isinstance(document.get("comments"), list):
        raise BadInput("not a Commento export: no 'comments' list", Position(line=1))
    version = document.get("version")
    if version == 3 or isinstance(document.get("pages"), list):
        yield from _version3(document)
    else:
        yield from _version1(document)


def _people(document: dict[str, Any], key: str) -> dict[str, Author]:
    people: dict[str, Author] = {}
    for person in document.get("commenters") or []:
        if not isinstance(person, dict):
            continue
        ident = string(person.get(key))
        if ident and ident not in _ANONYMOUS:
            people[ident] = Author(
                name=string(person.get("name")) or "",
                email=string(person.get("email")) or None,
                key=ident,
                url=_link(string(person.get("link")) or string(person.get("websiteUrl"))),
            )
    return people


def _link(value: str | None) -> str | None:
    # Commento stores the word "undefined" for a commenter who gave no website.
    return value if value and value != "undefined" else None


def _version1(document: dict[str, Any]) -> Iterator[Record]:
    people = _people(document, "commenterHex")
    threads: set[str] = set()
    for number, item in enumerate(document["comments"], start=1):
        position = Position(record=number)
        record = _comment1(item, position, people)
        if isinstance(record, Comment) and record.thread_id not in threads:
            threads.add(record.thread_id)
            yield Thread(source_id=record.thread_id, url=record.thread_id, position=position)
        yield record


def _page(item: dict[str, Any]) -> str:
    """The page a v1 comment is on: Commento's ``domain`` + ``url``, Comentario's ``host`` +
    ``path``; without a fragment, so every comment of a page names the same thread."""
    host = string(item.get("domain")) or string(item.get("host")) or ""
    page = string(item.get("path")) or string(item.get("url")) or "/"
    page = page.split("#", 1)[0] or "/"
    if "://" in page or not host:
        return page
    return host.rstrip("/") + ("" if page.startswith("/") else "/") + page


def _comment1(item: Any, position: Position, people: dict[str, Author]) -> Record:
    if not isinstance(item, dict):
        return Problem("a comment that is not an object: skipped", position, comment=True)
    hex_id = string(item.get("commentHex"))
    created = parse_moment(string(item.get("creationDate")))
    if not hex_id or created is None:
        return Problem("a comment without an id or a date: skipped", position, comment=True)
    parent = string(item.get("parentHex"))
    commenter = string(item.get("commenterHex")) or "anonymous"
    state = (string(item.get("state")) or "approved").lower()
    markdown = string(item.get("markdown")) or ""
    return Comment(
        source_id=hex_id,
        thread_id=_page(item),
        created_at=created,
        author=people.get(commenter, _GUEST),
        parent_id=parent if parent and parent != "root" else None,
        text=markdown,
        deleted=item.get("deleted") is True
        or (markdown == "[deleted]" and commenter in _ANONYMOUS),
        pending=state != "approved",
        skip=SKIP_SPAM if state == "flagged" else None,
        position=position,
    )


def _version3(document: dict[str, Any]) -> Iterator[Record]:
    people = _people(document, "id")
    for number, page in enumerate(document.get("pages") or [], start=1):
        ident = string(page.get("id")) if isinstance(page, dict) else None
        if not ident or not isinstance(page, dict):
            yield Problem("a page without an id: ignored", Position(record=number))
            continue
        yield Thread(
            source_id=ident,
            url=string(page.get("path")) or "/",
            title=string(page.get("title")) or "",
            created_at=parse_moment(string(page.get("createdTime"))),
            closed=page.get("isReadonly") is True,
            position=Position(record=number),
        )
    for number, item in enumerate(document["comments"], start=1):
        yield _comment3(item, Position(record=number), people)


def _comment3(item: Any, position: Position, people: dict[str, Author]) -> Record:
    if not isinstance(item, dict):
        return Problem("a comment that is not an object: skipped", position, comment=True)
    ident = string(item.get("id"))
    page = string(item.get("pageId"))
    created = parse_moment(string(item.get("createdTime")))
    if not ident or not page or created is None:
        return Problem("a comment without an id, a page or a date: skipped", position, comment=True)
    parent = string(item.get("parentId"))
    user = string(item.get("userCreated")) or ""
    author = people.get(user) or Author(name=string(item.get("authorName")) or "Anonymous")
    approved, pending = item.get("isApproved") is True, item.get("isPending") is True
    markdown = string(item.get("markdown")) or ""
    return Comment(
        source_id=ident,
        thread_id=page,
        created_at=created,
        author=author,
        parent_id=parent if parent and parent not in _ANONYMOUS else None,
        text=markdown if markdown else None,
        html=None if markdown else string(item.get("html")) or "",
        deleted=item.get("isDeleted") is True,
        pending=pending or not approved,
        skip=SKIP_TRASH if not (approved or pending or item.get("isDeleted") is True) else None,
        edited_at=parse_moment(string(item.get("editedTime"))),
        position=position,
    )
