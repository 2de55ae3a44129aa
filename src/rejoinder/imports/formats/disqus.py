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
from rejoinder.imports.formats.xmlstream import children, elements, value
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


def _flag(found: dict[str, Any], name: str) -> bool:
    return (value(found, name) or "").lower() == "true"


def _author(found: dict[str, Any]) -> Author | None:
    node = found.get("author")
    if node is None:
        return None
    fields = children(node)
    username = value(fields, "username") or None
    return Author(
        name=value(fields, "name") or username or "",
        email=value(fields, "email") or None,
        key=username,
    )


def _ref(found: dict[str, Any], name: str) -> str | None:
    node = found.get(name)
    if node is None:
        return None
    ref = node.get(DSQ_ID)
    return ref.strip() if ref else None


def parse(stream: IO[bytes], path: str) -> Iterator[Record]:  # noqa: ARG001 - the common signature
    junk: list[int] = []
    deleted_threads: set[str] = set()
    for element in elements(stream, {"thread", "post"}, 2, junk):
        if junk:
            yield Problem(f"ignored {junk.pop()} byte(s) before the XML document", Position(1))
        position = Position(line=element.sourceline or 0)
        found = children(element)
        if element.tag.endswith("thread"):
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
            continue
        yield _post(element, found, position, deleted_threads)


def _post(
    element: Any, found: dict[str, Any], position: Position, deleted_threads: set[str]
) -> Record:
    post_id = element.get(DSQ_ID)
    if not post_id:
        # Disqus's own ``<id>`` (the embedding site's id) is the only other stable handle.
        own = value(found, "id")
        if not own:
            return Problem("a post without an id: skipped", position, comment=True)
        post_id = f"id:{own}"
    thread_id = _ref(found, "thread")
    if thread_id is None:
        return Problem(f"post {post_id} names no thread: skipped", position, comment=True)
    created = parse_moment(value(found, "createdAt"))
    if created is None:
        return Problem(f"post {post_id} has no readable date: skipped", position, comment=True)
    skip = None
    if _flag(found, "isSpam"):
        skip = SKIP_SPAM
    elif thread_id in deleted_threads:
        skip = SKIP_TRASH
    return Comment(
        source_id=post_id,
        thread_id=thread_id,
        created_at=created,
        author=_author(found),
        parent_id=_ref(found, "parent"),
        html=value(found, "message") or "",
        deleted=_flag(found, "isDeleted"),
        skip=skip,
        position=position,
    )
