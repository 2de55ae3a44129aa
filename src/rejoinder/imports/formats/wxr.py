"""WordPress WXR 1.1/1.2 (``<rss><channel><item>`` with ``<wp:comment>`` children).

Each ``item`` (a post or page) is a thread identified by its ``wp:post_id``; its comments
follow inside it. ``wp:comment_approved`` is ``1`` (published), ``0`` (held), ``spam`` or
``trash``; ``wp:comment_type`` ``pingback``/``trackback`` are skipped, never imported as
comments. WordPress stores comment text with bare line breaks (it adds paragraphs when it
shows them): the same is done here before the text goes through our sanitiser.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import IO, Any

from rejoinder.imports.formats.dates import parse_moment
from rejoinder.imports.formats.xmlstream import elements, local, text
from rejoinder.imports.records import (
    SKIP_PINGBACK,
    SKIP_SPAM,
    SKIP_TRASH,
    Author,
    Comment,
    Position,
    Problem,
    Record,
    Thread,
)

_BLOCK = re.compile(r"<(p|div|blockquote|ul|ol|pre)\b", re.IGNORECASE)
_PARAGRAPHS = re.compile(r"\n\s*\n")


def autop(content: str) -> str:
    """WordPress's paragraphs: blank lines split paragraphs, single line breaks are kept."""
    content = content.replace("\r\n", "\n").strip()
    if _BLOCK.search(content):
        return content
    parts = [p.strip().replace("\n", "<br>\n") for p in _PARAGRAPHS.split(content) if p.strip()]
    return "".join(f"<p>{part}</p>" for part in parts)


def parse(stream: IO[bytes], path: str) -> Iterator[Record]:  # noqa: ARG001 - the common signature
    junk: list[int] = []
    for item in elements(stream, {"item"}, 3, junk):
        if junk:
            yield Problem(f"ignored {junk.pop()} byte(s) before the XML document", Position(1))
        position = Position(line=item.sourceline or 0)
        post_id = text(item, "post_id")
        if not post_id:
            yield Problem("an item without a wp:post_id: ignored", position)
            continue
        yield Thread(
            source_id=post_id,
            url=text(item, "link") or None,
            identifier=post_id,
            title=html.unescape(text(item, "title") or ""),
            created_at=parse_moment(text(item, "post_date_gmt")),
            closed=(text(item, "comment_status") or "open") == "closed",
            position=position,
        )
        for node in item:
            if local(node.tag) == "comment":
                yield _comment(node, post_id)


def _comment(node: Any, post_id: str) -> Record:
    position = Position(line=node.sourceline or 0)
    comment_id = text(node, "comment_id")
    if not comment_id:
        return Problem("a comment without a wp:comment_id: skipped", position, comment=True)
    created = parse_moment(text(node, "comment_date_gmt")) or parse_moment(
        text(node, "comment_date")
    )
    if created is None:
        return Problem(
            f"comment {comment_id} has no readable date: skipped", position, comment=True
        )
    approved = (text(node, "comment_approved") or "1").lower()
    kind = (text(node, "comment_type") or "").lower()
    skip = None
    if kind in {"pingback", "trackback"}:
        skip = SKIP_PINGBACK
    elif approved == "spam":
        skip = SKIP_SPAM
    elif approved in {"trash", "post-trashed"}:
        skip = SKIP_TRASH
    parent = text(node, "comment_parent") or "0"
    user = text(node, "comment_user_id") or "0"
    return Comment(
        source_id=comment_id,
        thread_id=post_id,
        created_at=created,
        author=Author(
            name=html.unescape(text(node, "comment_author") or ""),
            email=text(node, "comment_author_email") or None,
            key=f"user-{user}" if user != "0" else None,
            url=text(node, "comment_author_url") or None,
        ),
        parent_id=parent if parent != "0" else None,
        html=autop(text(node, "comment_content") or ""),
        pending=approved == "0",
        skip=skip,
        position=position,
    )
