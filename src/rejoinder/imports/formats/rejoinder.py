"""Rejoinder's own export (``rejoinder export``, JSON Lines; ``imports.schemas``).

Stories are threads (matched by their key, so an export imports into a fresh database with
``--create-stories`` as the same stories); authors become imported authors; rejected comments
and those deleted without replies are skipped; tombstones stay tombstones.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

import msgspec

from rejoinder.imports.formats.jsondoc import lines
from rejoinder.imports.records import (
    SKIP_DELETED,
    SKIP_TRASH,
    Author,
    Comment,
    Problem,
    Record,
    Thread,
)
from rejoinder.imports.schemas import (
    VERSION,
    AuthorLine,
    CommentLine,
    Line,
    MetaLine,
    StoryLine,
)

_convert = msgspec.convert
_KNOWN = {"meta", "story", "author", "comment"}


def parse(stream: IO[bytes], path: str) -> Iterator[Record]:  # noqa: ARG001 - the common signature
    authors: dict[int, Author] = {}
    for position, item in lines(stream):
        try:
            line = _convert(item, Line)
        except msgspec.ValidationError as error:
            kind = item.get("type") if isinstance(item, dict) else None
            if isinstance(kind, str) and kind not in _KNOWN:
                # A kind of line a later version writes: not a comment this one lost.
                yield Problem(
                    f"a {kind!r} line, which this version does not read: ignored", position
                )
            else:
                yield Problem(f"not a Rejoinder export line: {error}", position, comment=True)
            continue
        if isinstance(line, MetaLine):
            if line.version > VERSION:
                yield Problem(
                    f"the export is of version {line.version}, newer than this version reads "
                    f"({VERSION}): what it added is ignored",
                    position,
                )
            continue
        if isinstance(line, StoryLine):
            yield Thread(
                source_id=str(line.id),
                url=line.url or None,
                identifier=line.key,
                title=line.title,
                created_at=line.created_at,
                closed=line.status == "closed",
                position=position,
            )
        elif isinstance(line, AuthorLine):
            authors[line.id] = Author(
                name=line.display_name or "", email=line.email, key=f"account-{line.id}"
            )
        elif isinstance(line, CommentLine):
            skip = None
            if line.status == "rejected":
                skip = SKIP_TRASH
            elif line.status == "deleted":
                skip = SKIP_DELETED
            yield Comment(
                source_id=str(line.id),
                thread_id=str(line.story_id),
                created_at=line.created_at,
                author=authors.get(line.author_id) if line.author_id is not None else None,
                parent_id=str(line.parent_id) if line.parent_id is not None else None,
                html=line.body_html,
                deleted=line.deleted_at is not None,
                pending=line.status == "pending",
                skip=skip,
                edited_at=line.edited_at,
                position=position,
            )
