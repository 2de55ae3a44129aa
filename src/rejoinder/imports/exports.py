"""``export_lines``: a site as JSON Lines (``imports.schemas``), streamed page by page.

Reads run in pages of ``PAGE`` rows by id (keyset), so memory stays flat and no read holds a
snapshot for the whole export. Authors are listed before the comments that name them, as the
``rejoinder`` import format expects. E-mail addresses only with ``with_emails``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import msgspec
from sqlalchemy import bindparam, select

from rejoinder.accounts.models import IMPORTED_ROLE, accounts
from rejoinder.comments.models import comment_revisions, comments
from rejoinder.imports.schemas import AuthorLine, CommentLine, MetaLine, RevisionLine, StoryLine
from rejoinder.storage.database import Database
from rejoinder.storage.statements import defined
from rejoinder.stories.models import stories

PAGE = 1000
_encode = msgspec.json.Encoder().encode

STORIES = defined(
    select(
        stories.c.id,
        stories.c.story_key,
        stories.c.title,
        stories.c.url,
        stories.c.status,
        stories.c.created_at,
    )
    .where(stories.c.site_id == bindparam("site_id"), stories.c.id > bindparam("after"))
    .order_by(stories.c.id)
    .limit(PAGE)
)
_SITE_COMMENTS = (
    select(comments.c.account_id)
    .join(stories, stories.c.id == comments.c.story_id)
    .where(stories.c.site_id == bindparam("site_id"), comments.c.updated_at >= bindparam("since"))
)
AUTHORS = defined(
    select(accounts.c.id, accounts.c.display_name, accounts.c.role, accounts.c.email)
    .where(accounts.c.id.in_(_SITE_COMMENTS), accounts.c.id > bindparam("after"))
    .order_by(accounts.c.id)
    .limit(PAGE)
)
COMMENTS = defined(
    select(
        comments.c.id,
        comments.c.story_id,
        comments.c.parent_id,
        comments.c.account_id,
        comments.c.body,
        comments.c.body_html,
        comments.c.status,
        comments.c.created_at,
        comments.c.edited_at,
        comments.c.deleted_at,
        comments.c.featured,
        comments.c.pinned,
    )
    .join(stories, stories.c.id == comments.c.story_id)
    .where(
        stories.c.site_id == bindparam("site_id"),
        comments.c.updated_at >= bindparam("since"),
        comments.c.id > bindparam("after"),
    )
    .order_by(comments.c.id)
    .limit(PAGE)
)
REVISIONS = defined(
    select(
        comment_revisions.c.comment_id,
        comment_revisions.c.body,
        comment_revisions.c.body_html,
        comment_revisions.c.status,
        comment_revisions.c.written_at,
        comment_revisions.c.replaced_at,
    )
    .where(comment_revisions.c.comment_id.in_(bindparam("ids", expanding=True)))
    .order_by(comment_revisions.c.comment_id, comment_revisions.c.id)
)
EPOCH = datetime(1970, 1, 1).astimezone()


async def export_lines(
    db: Database, site_id: str, now: datetime, *, since: datetime | None, with_emails: bool
) -> AsyncIterator[bytes]:
    """The export, one encoded line (ending in a newline) at a time."""
    yield _encode(MetaLine(site=site_id, exported_at=now, since=since)) + b"\n"
    after = 0
    while True:
        async with db.read() as conn:
            rows = (await conn.execute(STORIES, {"site_id": site_id, "after": after})).all()
        for row in rows:
            line = StoryLine(
                id=row.id,
                key=row.story_key,
                title=row.title,
                url=row.url,
                status=row.status,
                created_at=row.created_at,
            )
            yield _encode(line) + b"\n"
        if len(rows) < PAGE:
            break
        after = rows[-1].id
    params = {"site_id": site_id, "since": since or EPOCH}
    after = 0
    while True:
        async with db.read() as conn:
            rows = (await conn.execute(AUTHORS, {**params, "after": after})).all()
        for row in rows:
            author = AuthorLine(
                id=row.id,
                display_name=row.display_name,
                role=row.role,
                imported=row.role == IMPORTED_ROLE,
                email=row.email if with_emails else None,
            )
            yield _encode(author) + b"\n"
        if len(rows) < PAGE:
            break
        after = rows[-1].id
    after = 0
    while True:
        async with db.read() as conn:
            rows = (await conn.execute(COMMENTS, {**params, "after": after})).all()
            revisions: dict[int, list[RevisionLine]] = {}
            if rows:
                found = await conn.execute(REVISIONS, {"ids": [row.id for row in rows]})
                for rev in found:
                    revisions.setdefault(rev.comment_id, []).append(
                        RevisionLine(
                            body=rev.body,
                            body_html=rev.body_html,
                            status=rev.status,
                            written_at=rev.written_at,
                            replaced_at=rev.replaced_at,
                        )
                    )
        for row in rows:
            comment = CommentLine(
                id=row.id,
                story_id=row.story_id,
                parent_id=row.parent_id,
                author_id=row.account_id,
                body=row.body,
                body_html=row.body_html,
                status=row.status,
                created_at=row.created_at,
                edited_at=row.edited_at,
                deleted_at=row.deleted_at,
                featured=bool(row.featured),
                pinned=bool(row.pinned),
                revisions=revisions.get(row.id, []),
            )
            yield _encode(comment) + b"\n"
        if len(rows) < PAGE:
            break
        after = rows[-1].id
