"""Actions on stories: the publisher's upsert, and lazy creation from an allowed page."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError

from rejoinder.events.catalogue import StoryCreated, StoryEvent, StoryUpdated
from rejoinder.kernel.bounds import check_line, check_moment
from rejoinder.kernel.clock import as_utc
from rejoinder.kernel.errors import Forbidden, Invalid, NotFound, RateLimited
from rejoinder.ratelimit.base import Limit
from rejoinder.runtime import Runtime
from rejoinder.settings import SiteSettings
from rejoinder.storage.database import Transaction
from rejoinder.stories.models import stories
from rejoinder.stories.queries import Story, find_story
from rejoinder.stories.schemas import StoryUpsert


def _event(kind: type[StoryEvent], story_id: int, site_id: str, story_key: str) -> StoryEvent:
    return kind(story_id=story_id, site_id=site_id, story_key=story_key)


def _status(values: dict[str, Any]) -> str | None:
    """The comments' state an upsert sets, if it sets one."""
    status = values.get("status")
    return status if isinstance(status, str) else None


async def upsert_story(
    runtime: Runtime, site: SiteSettings, story_key: str, data: StoryUpsert
) -> tuple[Story, bool]:
    """Create or replace a story (publisher API). Returns the story and whether it is new.

    Dates outside 1970-2999 are refused (422 ``date_out_of_range``) before anything is written.
    """
    check_moment(data.published_at, "publication date")
    check_moment(data.close_at, "closing date")
    now = runtime.clock.now()
    values = {
        "title": data.title.strip(),
        "url": data.url,
        "section": data.section,
        "status": data.status,
        "close_at": as_utc(data.close_at) if data.close_at else None,
        "published_at": as_utc(data.published_at) if data.published_at else None,
        "message": data.message,
        "premoderated": data.premoderated,
        "updated_at": now,
    }
    for attempt in range(2):
        try:
            async with runtime.db.transaction() as tx:
                existing = await find_story(tx.conn, site.id, story_key)
                if existing is None:
                    story_id = (
                        await tx.conn.execute(
                            insert(stories)
                            .values(
                                site_id=site.id,
                                story_key=story_key,
                                created_by="admin",
                                created_at=now,
                                **values,
                            )
                            .returning(stories.c.id)
                        )
                    ).scalar_one()
                    tx.emit(_event(StoryCreated, story_id, site.id, story_key))
                else:
                    story_id = existing.id
                    await tx.conn.execute(
                        update(stories).where(stories.c.id == story_id).values(**values)
                    )
                    tx.emit(
                        StoryUpdated(
                            story_id=story_id,
                            site_id=site.id,
                            story_key=story_key,
                            status=_status(values),
                        )
                    )
                story = await find_story(tx.conn, site.id, story_key)
        except IntegrityError:  # a lazy creation raced us; the retry updates it
            if attempt:
                raise
            continue
        assert story is not None
        return story, existing is None
    raise AssertionError("unreachable")


async def set_comment_state(
    tx: Transaction, story_id: int, status: str, message: str | None, now: datetime
) -> None:
    """Open or close a story's comments with a message to readers, inside ``tx`` (the
    protection rule and its reopening); ``story.updated`` lets pages and live streams follow."""
    row = (
        await tx.conn.execute(
            update(stories)
            .where(stories.c.id == story_id)
            .values(status=status, message=message, updated_at=now)
            .returning(stories.c.site_id, stories.c.story_key)
        )
    ).one()
    tx.emit(
        StoryUpdated(story_id=story_id, site_id=row.site_id, story_key=row.story_key, status=status)
    )


def check_embed_url(site: SiteSettings, url: str) -> None:
    """Lazy creation is for pages on the site's own domains only."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        raise Invalid("The page address is not a valid URL.", code="invalid_url") from None
    if parts.scheme not in {"http", "https"} or not host or len(url) > 2000:
        raise Invalid("The page address must be an http(s) URL.", code="invalid_url")
    if host not in {d.lower() for d in site.allowed_domains}:
        raise Forbidden(
            f"Pages on {host} may not create stories on this site.", code="domain_not_allowed"
        )


async def _throttle_creation(runtime: Runtime, site: SiteSettings, client: str) -> None:
    """Anonymous page loads create rows: bounded per address and per site, per hour."""
    wait = await runtime.limiter.hit_all(
        (
            Limit(f"lazy-story:{site.id}:{client}", site.lazy_stories_per_address_per_hour, 3600),
            Limit(f"lazy-story:{site.id}", site.lazy_stories_per_hour, 3600),
        )
    )
    if wait is not None:
        raise RateLimited(
            f"Too many new stories on this site; try again in {wait} seconds.", retry_after=wait
        )


async def ensure_story(  # noqa: PLR0917 - the read path passes these positionally
    runtime: Runtime,
    site: SiteSettings,
    story_key: str,
    url: str | None,
    title: str | None,
    client: str | None = None,
) -> Story:
    """The story, created on first embed load when ``url`` is on an allowed domain.

    Creation is rate-limited (429): ``site.lazy_stories_per_address_per_hour`` per client
    (``client``: the reader's address, None outside a request) and
    ``site.lazy_stories_per_hour`` in all.
    Titles and URLs with control characters are refused (422 ``control_characters``).
    """
    async with runtime.db.read() as conn:
        story = await find_story(conn, site.id, story_key)
    if story is not None:
        return story
    if url is None:
        raise NotFound(f"There is no story {story_key!r} on this site.", code="story_not_found")
    check_embed_url(site, url)
    check_line(url, "page address")
    title = check_line((title or "").strip()[:500], "title")
    await _throttle_creation(runtime, site, client or "unknown")
    now = runtime.clock.now()
    try:
        async with runtime.db.transaction() as tx:
            story_id = (
                await tx.conn.execute(
                    insert(stories)
                    .values(
                        site_id=site.id,
                        story_key=story_key,
                        title=title,
                        url=url,
                        created_by="embed",
                        created_at=now,
                        updated_at=now,
                    )
                    .returning(stories.c.id)
                )
            ).scalar_one()
            tx.emit(_event(StoryCreated, story_id, site.id, story_key))
    except IntegrityError:  # two first loads raced: the other one created it
        pass
    async with runtime.db.read() as conn:
        story = await find_story(conn, site.id, story_key)
    assert story is not None
    return story
