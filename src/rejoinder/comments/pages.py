"""Reading a story's comments, with the hot first page served from the cache.

The first page for an anonymous reader is the same bytes for everyone: it is encoded once and
kept in ``runtime.cache`` until an event about the story drops it (``comments.cache``). The
ASGI fast path (``comments.fastpath``) serves those bytes before Litestar routes the request.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from rejoinder.accounts.viewer import Viewer
from rejoinder.comments import cursor as cursors
from rejoinder.comments.cache import CachedPage, story_tag
from rejoinder.comments.queries import (
    ancestors,
    attach_previews,
    attach_reacted,
    comment_row,
    level_page,
    sort_key,
    visible,
)
from rejoinder.comments.schemas import CommentPage, CommentView, Permalink, RepliesPage, Sort
from rejoinder.comments.views import to_view
from rejoinder.kernel.errors import NotFound
from rejoinder.runtime import Runtime
from rejoinder.settings import Settings, SiteSettings
from rejoinder.stories.queries import (
    Story,
    closes_at,
    find_story,
    from_row,
    require_site,
    story_by_id,
    story_view,
)
from rejoinder.stories.service import ensure_story

encode = msgspec.json.Encoder().encode


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
) -> bytes:
    """A page of a story's top-level comments with reply previews, as JSON bytes."""
    settings = runtime.settings
    site = require_site(settings, site_id)
    size = page_limit(settings, limit)
    after = cursors.decode(cursor, sort) if cursor else None
    now = runtime.clock.now()
    shared = viewer is None and after is None
    key = page_key(site_id, story_key, sort, size)
    if shared:
        hit = await runtime.cache.get(key, now.timestamp())
        if hit is not None:
            return hit.body
        epoch = await runtime.cache.epoch()
    viewer_id = viewer.account_id if viewer else None
    if runtime.reader is not None and viewer is None:
        story, views, next_cursor = await _public_level(
            runtime, site, story_key, sort, size, after, url, title
        )
    else:
        story, views, next_cursor = await _viewer_level(
            runtime, site, story_key, sort, size, after, viewer_id, url, title
        )
    page = CommentPage(story=story_view(story, site, now), comments=views, next_cursor=next_cursor)
    body = encode(page)
    if shared:
        entry = CachedPage(body, _expires(story, site, settings, now))
        await runtime.cache.put(key, story_tag(site_id, story_key), epoch, entry)
    return body


Level = tuple[Story, list[CommentView], str | None]


async def _public_level(  # noqa: PLR0917 - private, called once
    runtime: Runtime,
    site: SiteSettings,
    story_key: str,
    sort: Sort,
    size: int,
    after: cursors.Cursor | None,
    url: str | None,
    title: str | None,
) -> Level:
    """Anonymous readers on SQLite: every statement in one worker call (comments.fastread)."""
    reader = runtime.reader
    assert reader is not None  # the caller checked
    preview = runtime.settings.comments.replies_preview
    found = await reader.first_level(
        site.id, story_key=story_key, sort=sort, limit=size, after=after, preview=preview
    )
    if found is None:
        await ensure_story(runtime, site, story_key, url, title)
        found = await reader.first_level(
            site.id, story_key=story_key, sort=sort, limit=size, after=after, preview=preview
        )
    assert found is not None  # ensured just above
    rows = found.rows[:size]
    next_cursor = None
    if len(found.rows) > size:
        key, last_id = sort_key(sort, rows[-1])
        next_cursor = cursors.encode(cursors.Cursor(sort, key, last_id))
    views = [to_view(row, runtime.settings) for row in rows]
    by_id = {view.id: view for view in views}
    for row in found.previews:
        by_id[row.parent_id].replies.append(to_view(row, runtime.settings))  # type: ignore[index]
    return from_row(found.story), views, next_cursor


async def _viewer_level(  # noqa: PLR0917 - private, called once
    runtime: Runtime,
    site: SiteSettings,
    story_key: str,
    sort: Sort,
    size: int,
    after: cursors.Cursor | None,
    viewer_id: int | None,
    url: str | None,
    title: str | None,
) -> Level:
    """Signed-in readers (own pending comments, own reactions) and PostgreSQL."""
    settings = runtime.settings
    async with runtime.db.read() as conn:
        story = await find_story(conn, site.id, story_key)
        if story is None:
            story = await ensure_story(runtime, site, story_key, url, title)
        views, next_cursor = await level_page(
            conn,
            settings,
            story_id=story.id,
            parent_id=None,
            sort=sort,
            limit=size,
            cursor=after,
            viewer_id=viewer_id,
        )
        await attach_previews(conn, settings, story.id, views, viewer_id)
        if viewer_id is not None:
            await attach_reacted(conn, views, viewer_id)
    return story, views, next_cursor


async def read_replies(
    runtime: Runtime,
    comment_id: int,
    *,
    limit: int | None,
    cursor: str | None,
    viewer: Viewer | None,
) -> RepliesPage:
    """Replies of one comment, oldest first."""
    settings = runtime.settings
    after = cursors.decode(cursor, "oldest") if cursor else None
    viewer_id = viewer.account_id if viewer else None
    async with runtime.db.read() as conn:
        parent = await comment_row(conn, comment_id)
        if parent is None or not visible(parent, viewer_id):
            raise NotFound("There is no such comment.", code="comment_not_found")
        views, next_cursor = await level_page(
            conn,
            settings,
            story_id=parent.story_id,
            parent_id=comment_id,
            sort="oldest",
            limit=page_limit(settings, limit),
            cursor=after,
            viewer_id=viewer_id,
        )
        if viewer_id is not None:
            await attach_reacted(conn, views, viewer_id)
    return RepliesPage(comments=views, next_cursor=next_cursor)


async def read_permalink(runtime: Runtime, comment_id: int, viewer: Viewer | None) -> Permalink:
    """One comment, its first replies and its ancestors (root first)."""
    settings = runtime.settings
    viewer_id = viewer.account_id if viewer else None
    async with runtime.db.read() as conn:
        row = await comment_row(conn, comment_id)
        if row is None or not visible(row, viewer_id):
            raise NotFound("There is no such comment.", code="comment_not_found")
        story = await story_by_id(conn, row.story_id)
        view = to_view(row, settings, viewer_id)
        await attach_previews(conn, settings, story.id, [view], viewer_id)
        chain = await ancestors(conn, settings, row, viewer_id)
        if viewer_id is not None:
            await attach_reacted(conn, [view, *chain], viewer_id)
    site = settings.site(story.site_id)
    return Permalink(
        story=story_view(story, site, runtime.clock.now()), comment=view, ancestors=chain
    )
