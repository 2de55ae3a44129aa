"""WordPress WXR 1.0/1.1/1.2 (``<rss><channel><item>`` with ``<wp:comment>`` children).

Each ``item`` (a post, page, attachment or product) is a thread identified by its
``wp:post_id``; its comments follow inside it. Tags are matched by local name, so the
``wp:`` namespace of any WXR version (``http://wordpress.org/export/1.0/`` to ``1.2/``) reads
the same (``wp-admin/includes/export.php`` writes them all alike).

``wp:comment_approved`` is ``1`` (published), ``0`` (held), ``spam``, ``trash`` or
``post-trashed`` (its post went to the bin); anything else a plugin wrote is held, not
published. ``wp:comment_type`` is empty (before WordPress 5.5), ``comment`` (since) or
``review`` (WooCommerce): those are readers' comments. ``pingback``/``trackback`` are skipped,
and so is every other type: plugins file private notes as comments (WooCommerce's
``order_note`` holds customers' addresses, ``webhook_delivery`` and ``action_log`` are logs).

Comments on an item WordPress does not show to everyone (``wp:status`` ``private``,
``draft``, ``pending``, ``future``, or a ``wp:post_password``) are skipped: importing them
would publish them, and make a public story of the page with ``--create-stories``.

WordPress stores comment text with bare line breaks (it adds paragraphs when it shows them):
the same is done here before the text goes through our sanitiser. The bytes are read through
``repair.Repaired`` (control characters, HTML entities), which real exports need.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import IO, Any, cast

import msgspec

from rejoinder.imports.formats.dates import parse_moment
from rejoinder.imports.formats.repair import Repaired
from rejoinder.imports.formats.xmlstream import document, elements, local, text
from rejoinder.imports.records import (
    SKIP_NOT_COMMENT,
    SKIP_NOT_PUBLIC,
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


_COMMENTS = {"", "comment", "review"}
_HIDDEN = {"private", "draft", "pending", "future", "auto-draft"}
_PUBLISHED = {"1"}


def parse(stream: IO[bytes], path: str) -> Iterator[Record]:  # noqa: ARG001 - the common signature
    repaired = Repaired(stream)
    items = 0
    for record in _items(cast("IO[bytes]", repaired)):  # all the parser calls is read()
        items += isinstance(record, Thread)
        yield record
    if not items:
        yield Problem(
            "the file has no <item> with a wp:post_id: is it a WordPress (WXR) export?",
            Position(1),
        )
    if repaired.blank_lines:
        yield Problem(
            f"ignored {repaired.blank_lines} blank line(s) before <?xml (a plugin's stray output)",
            Position(1),
        )
    if repaired.namespaces:
        yield Problem(
            "declared the WordPress namespace(s) its <rss> tag lacks: "
            + ", ".join(repaired.namespaces),
            Position(1),
        )
    if repaired.controls:
        yield Problem(
            f"removed {repaired.controls} control character(s) that XML does not allow",
            Position(1),
        )
    if repaired.entities:
        yield Problem(
            f"read {repaired.entities} HTML entity reference(s) (such as &nbsp;) that XML "
            "does not define as the characters they stand for",
            Position(1),
        )


def _items(stream: IO[bytes]) -> Iterator[Record]:
    source, stray = document(stream)
    if stray is not None:
        yield stray
    for item in elements(source, {"item"}, 3):
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
        hidden = (text(item, "status") or "") in _HIDDEN or bool(text(item, "post_password"))
        for node in item:
            if local(node.tag) == "comment":
                record = _comment(node, post_id)
                if hidden and isinstance(record, Comment) and record.skip is None:
                    record = msgspec.structs.replace(record, skip=SKIP_NOT_PUBLIC)
                yield record


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
    elif kind not in _COMMENTS:
        skip = SKIP_NOT_COMMENT
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
        pending=approved not in _PUBLISHED,
        skip=skip,
        position=position,
    )
