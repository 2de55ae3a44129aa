"""Reading a story's comments: the shared public page, and a reader's overlay on top of it.

The first page of a story is the same for every reader: it is read in one unit of work,
encoded once and kept in ``runtime.cache`` until an event that affects it drops it
(``comments.cache``). The ASGI fast path (``comments.fastpath``) serves it to anonymous readers
before Litestar routes the request. A signed-in reader gets those same bytes with their
overlay merged in (their reactions on the comments shown, their own pending comments): one
small indexed read, and only the comments it touches are encoded again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

import msgspec

from rejoinder.accounts.viewer import Viewer
from rejoinder.comments import cursor as cursors
from rejoinder.comments.cache import CachedPage, account_tag, story_tag
from rejoinder.comments.queries import (
    ancestor_rows,
    comment_row,
    level_rows,
    own_marks,
    own_pending,
    own_reactions,
    participants,
    preview_rows,
    sort_key,
    visible,
)
from rejoinder.comments.rows import ViewRow, to_view, uses_initials
from rejoinder.comments.schemas import CommentView, Permalink, RepliesPage, Sort
from rejoinder.kernel.errors import NotFound
from rejoinder.runtime import Runtime
from rejoinder.settings import Settings, SiteSettings
from rejoinder.storage.database import Connection
from rejoinder.stories.queries import (
    Story,
    closes_at,
    find_story,
    require_site,
    story_by_id,
    story_view,
)
from rejoinder.stories.service import ensure_story

encode = msgspec.json.Encoder().encode
_replace = msgspec.structs.replace


def page_key(site_id: str, story_key: str, sort: str, limit: int) -> str:
    return f"{site_id}\x00{story_key}\x00{sort}\x00{limit}"


def page_limit(settings: Settings, limit: int | None) -> int:
    comments = settings.comments
    return min(limit or comments.page_size, comments.max_page_size)


def _expires(story: Story, site: SiteSettings, settings: Settings, now: datetime) -> float:
    """A cached page lives for the TTL, and never past the moment its story closes."""
    expiry = now.timestamp() + settings.comments.cache_ttl_seconds
    closing = closes_at(story, site)
    if closing is not None and closing > now:
        expiry = min(expiry, closing.timestamp())
    return expiry


class Ask(NamedTuple):
    site_id: str
    story_key: str
    sort: str
    limit: int
    after: cursors.Cursor | None
    preview: int


class Level(NamedTuple):
    story: Story
    rows: list[ViewRow]
    more: bool
    previews: list[ViewRow]


class Overlay(NamedTuple):
    """What one reader sees on top of the public page."""

    reacted: dict[int, list[str]]
    pending: list[ViewRow]


class Parts(msgspec.Struct):
    """A page kept in pieces, so an overlay re-encodes only what it touches.

    Shared by every request for the page while it is cached; nothing in it changes after it
    is built but ``participants``, filled once, on the first overlay asked of it.
    """

    story_id: int
    head: bytes  # b'{"story":{...},"comments":['
    items: list[bytes]  # each top-level comment with its reply previews
    tail: bytes  # b'],"next_cursor":...}'
    views: list[CommentView]
    keys: list[tuple[int, int]]  # each item's keyset position
    ids: list[int]  # every comment shown (top level and previews)
    more: bool
    # Who an overlay could mark here (``queries.participants``); None until first asked. Any
    # reaction or new comment on the story drops the cached page, and this with it.
    participants: frozenset[int] | None = None
    # The site shows the initials of registered names (overlays render the same way).
    initials: bool = False

    def body(self) -> bytes:
        return self.head + b",".join(self.items) + self.tail


async def _first_level(conn: Connection, ask: Ask) -> Level | None:
    """The story, one page of its top-level comments and the first replies under each:
    one unit of work (one thread hop on SQLite)."""
    story = await find_story(conn, ask.site_id, ask.story_key)
    if story is None:
        return None
    if story.status == "hidden":  # the protection rule hid the section: the message only
        return Level(story, [], more=False, previews=[])
    level = await level_rows(
        conn, story_id=story.id, parent_id=None, sort=ask.sort, limit=ask.limit, cursor=ask.after
    )
    parents = [row.id for row in level.rows if row.reply_count > 0]
    previews = (
        await preview_rows(conn, story.id, parents, ask.preview) if parents and ask.preview else []
    )
    return Level(story, level.rows, level.more, previews)


async def _overlay(conn: Connection, account_id: int, story_id: int, ids: list[int]) -> Overlay:
    """One indexed read; a second one only for a reader with comments held on this story."""
    reacted, has_pending = await own_marks(conn, account_id, story_id, ids)
    pending = await own_pending(conn, account_id, story_id) if has_pending else []
    return Overlay(reacted, pending)


def _parts(level: Level, site: SiteSettings, settings: Settings, sort: str, now: datetime) -> Parts:
    rows = level.rows
    shown = uses_initials(site)
    views = [to_view(row, settings, initials_of=shown) for row in rows]
    by_id = {view.id: view for view in views}
    for row in level.previews:
        by_id[row.parent_id].replies.append(to_view(row, settings, initials_of=shown))
    next_cursor = None
    if level.more and rows:
        key, last_id = sort_key(sort, rows[-1])
        next_cursor = cursors.encode(cursors.Cursor(sort, key, last_id))
    story = story_view(level.story, site, now)
    return Parts(
        story_id=level.story.id,
        head=b'{"story":' + encode(story) + b',"comments":[',
        items=[encode(view) for view in views],
        tail=b'],"next_cursor":' + encode(next_cursor) + b"}",
        views=views,
        keys=[sort_key(sort, row) for row in rows],
        ids=[*by_id, *(row.id for row in level.previews)],
        more=level.more,
        initials=shown,
    )


def _tags(site_id: str, story_key: str, level: Level) -> tuple[str, ...]:
    authors = {row.account_id for row in (*level.rows, *level.previews) if row.account_id}
    return (story_tag(site_id, story_key), *(account_tag(a) for a in sorted(authors)))


def personalise(
    parts: Parts, overlay: Overlay, *, sort: str, viewer_id: int, settings: Settings
) -> bytes:
    """The page as ``viewer_id`` sees it: their reactions marked, their pending comments in
    the places they fall (top level within this page's bounds; replies under their parent)."""
    reacted, pending = overlay.reacted, overlay.pending
    if not reacted and not pending:
        return parts.body()
    items = list(parts.items)
    views = parts.views
    extra_replies: dict[int, list[CommentView]] = {}
    top: list[ViewRow] = []
    for row in pending:
        if row.parent_id is None:
            top.append(row)
        else:
            view = to_view(row, settings, viewer_id, initials_of=parts.initials)
            extra_replies.setdefault(row.parent_id, []).append(view)
    for i, view in enumerate(views):
        replies = view.replies
        touched = view.id in reacted or view.id in extra_replies
        if not touched and not any(reply.id in reacted for reply in replies):
            continue
        replies = [
            _replace(reply, reacted=reacted[reply.id]) if reply.id in reacted else reply
            for reply in replies
        ] + extra_replies.get(view.id, [])
        items[i] = encode(_replace(view, reacted=reacted.get(view.id, []), replies=replies))
    if top:
        items = _merge_top(parts, items, top, sort=sort, viewer_id=viewer_id, settings=settings)
    return parts.head + b",".join(items) + parts.tail


def _merge_top(
    parts: Parts,
    items: list[bytes],
    pending: list[ViewRow],
    *,
    sort: str,
    viewer_id: int,
    settings: Settings,
) -> list[bytes]:
    descending = sort != "oldest"
    last = parts.keys[-1] if parts.more and parts.keys else None
    keyed = list(zip(parts.keys, items, strict=True))
    for row in pending:
        key = sort_key(sort, row)
        if last is not None and not (key > last if descending else key < last):
            continue  # it falls on a later page
        keyed.append((key, encode(to_view(row, settings, viewer_id, initials_of=parts.initials))))
    keyed.sort(key=lambda pair: pair[0], reverse=descending)
    return [item for _, item in keyed]


async def read_page(
    runtime: Runtime,
    site_id: str,
    story_key: str,
    *,
    sort: Sort,
    limit: int | None,
    cursor: str | None,
    url: str | None,
    title: str | None,
    viewer: Viewer | None,
    client: str | None = None,
) -> bytes:
    """A page of a story's top-level comments with reply previews, as JSON bytes.

    A story first seen with an allowed ``url`` is created, rate-limited per ``client`` (the
    reader's address; None outside a request)."""
    settings = runtime.settings
    site = require_site(settings, site_id)
    size = page_limit(settings, limit)
    after = cursors.decode(cursor, sort) if cursor else None
    now = runtime.clock.now()
    if after is None:
        page = await runtime.cache.get(page_key(site_id, story_key, sort, size), now.timestamp())
        if page is None or (viewer is not None and not isinstance(page.parts, Parts)):
            page = await _fill(runtime, site, story_key, sort, size, now, (url, title, client))
        if viewer is None:
            return page.body
        assert isinstance(page.parts, Parts)  # a page read here has its parts
        return await overlaid(runtime, page.parts, viewer, sort)
    ask = Ask(site_id, story_key, sort, size, after, settings.comments.replies_preview)
    level = await runtime.db.run_read(_first_level, ask)
    if level is None:
        await ensure_story(runtime, site, story_key, url, title, client)
        level = await runtime.db.run_read(_first_level, ask)
    assert level is not None  # ensured just above
    parts = _parts(level, site, settings, sort, now)
    if viewer is None:
        return parts.body()
    return await overlaid(runtime, parts, viewer, sort)


async def fill_page(
    runtime: Runtime, site_id: str, story_key: str, sort: Sort, limit: int | None
) -> CachedPage:
    """A story's first page read from the database and stored in the cache, for a lookup
    that just missed (the fast path's); raises as ``read_page`` does (never creates)."""
    settings = runtime.settings
    site = require_site(settings, site_id)
    size = page_limit(settings, limit)
    return await _fill(
        runtime, site, story_key, sort, size, runtime.clock.now(), (None, None, None)
    )


async def _fill(  # noqa: PLR0917 - the page's coordinates
    runtime: Runtime,
    site: SiteSettings,
    story_key: str,
    sort: Sort,
    size: int,
    now: datetime,
    creation: tuple[str | None, str | None, str | None],
) -> CachedPage:
    """The first page, read and stored in the cache (``creation``: url, title and client
    for a story seen for the first time)."""
    settings = runtime.settings
    epoch = await runtime.cache.epoch()
    ask = Ask(site.id, story_key, sort, size, None, settings.comments.replies_preview)
    level = await runtime.db.run_read(_first_level, ask)
    if level is None:
        await ensure_story(runtime, site, story_key, *creation)
        level = await runtime.db.run_read(_first_level, ask)
    assert level is not None  # ensured just above
    parts = _parts(level, site, settings, sort, now)
    page = CachedPage(parts.body(), _expires(level.story, site, settings, now), parts)
    key = page_key(site.id, story_key, sort, size)
    await runtime.cache.put(key, _tags(site.id, story_key, level), epoch, page)
    return page


async def overlaid(runtime: Runtime, parts: Parts, viewer: Viewer, sort: str) -> bytes:
    """``parts`` as ``viewer`` sees them: the shared page for a reader with nothing of theirs
    on it (most readers: no read at all once the page knows its participants), otherwise one
    indexed read for the overlay, then the splice."""
    if parts.participants is None:
        parts.participants = await runtime.db.run_read(participants, parts.story_id, parts.ids)
    if viewer.account_id not in parts.participants:
        return parts.body()
    overlay = await runtime.db.run_read(_overlay, viewer.account_id, parts.story_id, parts.ids)
    return personalise(
        parts, overlay, sort=sort, viewer_id=viewer.account_id, settings=runtime.settings
    )


class _Replies(NamedTuple):
    rows: list[ViewRow]
    more: bool
    reacted: dict[int, list[str]]
    pending: list[ViewRow]
    story_id: int


async def _replies(
    conn: Connection,
    comment_id: int,
    size: int,
    after: cursors.Cursor | None,
    viewer_id: int | None,
) -> _Replies | None:
    parent = await comment_row(conn, comment_id)
    if parent is None or not visible(parent, viewer_id):
        return None
    if (await story_by_id(conn, parent.story_id)).status == "hidden":
        return None
    level = await level_rows(
        conn,
        story_id=parent.story_id,
        parent_id=comment_id,
        sort="oldest",
        limit=size,
        cursor=after,
    )
    reacted: dict[int, list[str]] = {}
    pending: list[ViewRow] = []
    if viewer_id is not None:
        reacted = await own_reactions(conn, viewer_id, [row.id for row in level.rows])
        pending = [
            row
            for row in await own_pending(conn, viewer_id, parent.story_id)
            if row.parent_id == comment_id
        ]
    return _Replies(level.rows, level.more, reacted, pending, parent.story_id)


async def read_replies(
    runtime: Runtime,
    comment_id: int,
    *,
    limit: int | None,
    cursor: str | None,
    viewer: Viewer | None,
) -> RepliesPage:
    """Replies of one comment, oldest first (with the reader's own pending replies)."""
    settings = runtime.settings
    after = cursors.decode(cursor, "oldest") if cursor else None
    viewer_id = viewer.account_id if viewer else None
    size = page_limit(settings, limit)
    found = await runtime.db.run_read(_replies, comment_id, size, after, viewer_id)
    if found is None:
        raise NotFound("There is no such comment.", code="comment_not_found")
    rows = list(found.rows)
    next_cursor = None
    if found.more and rows:
        key, last_id = sort_key("oldest", rows[-1])
        next_cursor = cursors.encode(cursors.Cursor("oldest", key, last_id))
    last = sort_key("oldest", rows[-1]) if found.more and rows else None
    start = (after.key, after.id) if after is not None else None
    for row in found.pending:
        position = sort_key("oldest", row)
        if (last is None or position < last) and (start is None or position > start):
            rows.append(row)
    rows.sort(key=lambda row: sort_key("oldest", row))
    shown = False
    if any(uses_initials(site) for site in settings.sites):  # else no read for it
        async with runtime.db.read() as conn:
            story = await story_by_id(conn, found.story_id)
        shown = uses_initials(settings.site(story.site_id))
    views = [
        _with_reacted(to_view(row, settings, viewer_id, initials_of=shown), found.reacted)
        for row in rows
    ]
    return RepliesPage(comments=views, next_cursor=next_cursor)


def _with_reacted(view: CommentView, reacted: dict[int, list[str]]) -> CommentView:
    kinds = reacted.get(view.id)
    return view if kinds is None else _replace(view, reacted=kinds)


class _Permalink(NamedTuple):
    story: Story
    row: ViewRow
    previews: list[ViewRow]
    chain: list[ViewRow]
    reacted: dict[int, list[str]]
    pending: list[ViewRow]


async def _permalink(
    conn: Connection, comment_id: int, size: int, viewer_id: int | None
) -> _Permalink | None:
    row = await comment_row(conn, comment_id)
    if row is None or not visible(row, viewer_id):
        return None
    story = await story_by_id(conn, row.story_id)
    if story.status == "hidden":
        return None
    previews = (
        await preview_rows(conn, story.id, [row.id], size) if row.reply_count and size else []
    )
    chain = await ancestor_rows(conn, row)
    reacted: dict[int, list[str]] = {}
    pending: list[ViewRow] = []
    if viewer_id is not None:
        ids = [row.id, *(r.id for r in previews), *(r.id for r in chain)]
        reacted = await own_reactions(conn, viewer_id, ids)
        pending = [r for r in await own_pending(conn, viewer_id, story.id) if r.parent_id == row.id]
    return _Permalink(story, row, previews, chain, reacted, pending)


async def read_permalink(runtime: Runtime, comment_id: int, viewer: Viewer | None) -> Permalink:
    """One comment, its first replies and its ancestors (root first)."""
    settings = runtime.settings
    viewer_id = viewer.account_id if viewer else None
    size = settings.comments.replies_preview
    found = await runtime.db.run_read(_permalink, comment_id, size, viewer_id)
    if found is None:
        raise NotFound("There is no such comment.", code="comment_not_found")
    reacted = found.reacted
    site = settings.site(found.story.site_id)
    shown = uses_initials(site)
    view = _with_reacted(to_view(found.row, settings, viewer_id, initials_of=shown), reacted)
    view.replies = [
        _with_reacted(to_view(r, settings, viewer_id, initials_of=shown), reacted)
        for r in (*found.previews, *found.pending)
    ]
    chain = [
        _with_reacted(to_view(r, settings, viewer_id, initials_of=shown), reacted)
        for r in found.chain
    ]
    return Permalink(
        story=story_view(found.story, site, runtime.clock.now()), comment=view, ancestors=chain
    )


__all__: list[Any] = ["overlaid", "personalise", "read_page", "read_permalink", "read_replies"]
