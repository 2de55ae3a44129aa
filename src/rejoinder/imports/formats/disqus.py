"""Disqus XML export (``<disqus>``: categories, then threads, then posts).

Linear in the file: threads and posts are separate elements, each read once; a post names
its thread and its parent by ``dsq:id``, and parents may come after their children (the
writer resolves them). Spam is skipped; a deleted post is kept as a tombstone only if it has
replies (decided by the writer); posts of a deleted thread are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from rejoinder.imports.formats.dates import parse_moment
from rejoinder.imports.formats.xmlstream import children, document, elements, local_name, value
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

DSQ_ID = "{http://disqus.com/disqus-internals}id"
_TEXTS = frozenset({"id", "message", "createdAt", "isDeleted", "isSpam"})  # a post's text fields


def _flag(found: dict[str, Any], name: str) -> bool:
    return (value(found, name) or "").lower() == "true"


def _author(node: Any) -> Author:
    name = email = username = None
    for item in node:
        field = local_name(item.tag)
        if field == "name" and name is None:
            name = _stripped(item.text)
        elif field == "email" and email is None:
            email = _stripped(item.text)
        elif field == "username" and username is None:
            username = _stripped(item.text)
    return Author(name=name or username or "", email=email or None, key=username or None)


def _stripped(raw: str | None) -> str:
    return raw.strip() if raw is not None else ""


def _ref(node: Any) -> str | None:
    ref = node.get(DSQ_ID)
    return ref.strip() if ref else None


def parse(stream: IO[bytes], path: str) -> Iterator[Record]:  # noqa: ARG001 - the common signature
    source, stray = document(stream)
    if stray is not None:
        yield stray
    deleted_threads: set[str] = set()
    read = 0
    for element in elements(source, {"thread", "post"}, 2):
        read += 1
        position = Position(line=element.sourceline or 0)
        if not element.tag.endswith("thread"):
            yield _post(element, position, deleted_threads)
            continue
        found = children(element)
        thread_id = element.get(DSQ_ID)
        if not thread_id:
            yield Problem("a thread without a dsq:id: ignored", position)
            continue
        if _flag(found, "isDeleted"):
            deleted_threads.add(thread_id)
        yield Thread(
            source_id=thread_id,
            url=value(found, "link") or None,
            identifier=value(found, "id") or None,
            title=value(found, "title") or "",
            created_at=parse_moment(value(found, "createdAt")),
            closed=_flag(found, "isClosed"),
            position=position,
        )
    if not read:  # another system's XML (a WordPress export) reads as an empty Disqus one
        yield Problem("the file has no <thread> or <post>: is it a Disqus export?", Position(1))


def _fields(element: Any) -> tuple[dict[str, str], Author | None, str | None, str | None]:
    """A ``<post>``'s texts, author, thread and parent, its children read in one pass (the
    first of each name counts): posts are most of the file, and this most of its parse."""
    texts: dict[str, str] = {}
    author = thread_id = parent_id = None
    seen_thread = seen_parent = False
    for item in element:
        name = local_name(item.tag)
        if name in _TEXTS:
            if name not in texts:
                texts[name] = _stripped(item.text)
        elif name == "author":
            if author is None:
                author = _author(item)
        elif name == "thread":
            if not seen_thread:
                seen_thread, thread_id = True, _ref(item)
        elif name == "parent" and not seen_parent:
            seen_parent, parent_id = True, _ref(item)
    return texts, author, thread_id, parent_id


def _post(element: Any, position: Position, deleted_threads: set[str]) -> Record:
    texts, author, thread_id, parent_id = _fields(element)
    post_id = element.get(DSQ_ID)
    if not post_id:
        # Disqus's own ``<id>`` (the embedding site's id) is the only other stable handle.
        own = texts.get("id")
        if not own:
            return Problem("a post without an id: skipped", position, comment=True)
        post_id = f"id:{own}"
    if thread_id is None:
        return Problem(f"post {post_id} names no thread: skipped", position, comment=True)
    created = parse_moment(texts.get("createdAt"))
    if created is None:
        return Problem(f"post {post_id} has no readable date: skipped", position, comment=True)
    skip = None
    if texts.get("isSpam", "").lower() == "true":
        skip = SKIP_SPAM
    elif thread_id in deleted_threads:
        skip = SKIP_TRASH
    return Comment(
        source_id=post_id,
        thread_id=thread_id,
        created_at=created,
        author=author,
        parent_id=parent_id,
        html=texts.get("message", ""),
        deleted=texts.get("isDeleted", "").lower() == "true",
        skip=skip,
        position=position,
    )
