"""Read side of stories: lookups and the effective open/closed state."""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any, Literal, NamedTuple

from sqlalchemy import bindparam, select

from rejoinder.kernel.errors import NotFound
from rejoinder.settings import Settings, SiteSettings
from rejoinder.storage.database import Connection
from rejoinder.storage.statements import defined
from rejoinder.stories.models import stories
from rejoinder.stories.schemas import StoryAdminView, StoryView


class StoryRow(NamedTuple):
    """A stored story (read model); :func:`from_row` makes one from any row."""

    id: int
    site_id: str
    story_key: str
    title: str
    url: str
    section: str | None
    status: str
    close_at: datetime | None
    published_at: datetime | None
    message: str | None
    premoderated: bool
    comment_count: int
    created_at: datetime


# The name the read side uses.
Story = StoryRow


def require_site(settings: Settings, site_id: str) -> SiteSettings:
    site = settings.site(site_id)
    if site is None:
        raise NotFound(f"There is no site {site_id!r}.", code="site_not_found")
    return site


def from_row(row: Any) -> Story:
    return StoryRow(
        id=row.id,
        site_id=row.site_id,
        story_key=row.story_key,
        title=row.title,
        url=row.url,
        section=row.section,
        status=row.status,
        close_at=row.close_at,
        published_at=row.published_at,
        message=row.message,
        premoderated=bool(row.premoderated),
        comment_count=row.comment_count,
        created_at=row.created_at,
    )


BY_KEY = defined(
    select(stories).where(
        stories.c.site_id == bindparam("site_id"), stories.c.story_key == bindparam("story_key")
    )
)
BY_ID = defined(select(stories).where(stories.c.id == bindparam("story_id")))


async def find_story(conn: Connection, site_id: str, story_key: str) -> Story | None:
    row = (await conn.execute(BY_KEY, {"site_id": site_id, "story_key": story_key})).first()
    return None if row is None else from_row(row)


async def story_by_id(conn: Connection, story_id: int) -> Story:
    row = (await conn.execute(BY_ID, {"story_id": story_id})).first()
    if row is None:
        raise NotFound("There is no such story.", code="story_not_found")
    return from_row(row)


def closes_at(story: Story, site: SiteSettings | None) -> datetime | None:
    """When comments close by date: the earliest of ``close_at`` and the site's auto-close."""
    moments = [story.close_at] if story.close_at else []
    if site is not None and site.auto_close_days:
        start = story.published_at or story.created_at
        # A date stored before inputs were bounded may overflow: such a story never auto-closes.
        with suppress(OverflowError):
            moments.append(start + timedelta(days=site.auto_close_days))
    return min(moments) if moments else None


def story_state(
    story: Story, site: SiteSettings | None, now: datetime
) -> Literal["open", "closed", "hidden"]:
    """``closed`` and ``hidden`` both refuse new comments; ``hidden`` shows none either."""
    if story.status in {"closed", "hidden"}:
        return "hidden" if story.status == "hidden" else "closed"
    moment = closes_at(story, site)
    return "closed" if moment is not None and moment <= now else "open"


def story_view(story: Story, site: SiteSettings | None, now: datetime) -> StoryView:
    return StoryView(
        id=story.story_key,
        title=story.title,
        url=story.url,
        status=story_state(story, site, now),
        comment_count=story.comment_count,
        message=story.message,
    )


def admin_view(
    story: Story, site: SiteSettings, now: datetime, *, created: bool = False
) -> StoryAdminView:
    return StoryAdminView(
        id=story.story_key,
        site=story.site_id,
        title=story.title,
        url=story.url,
        section=story.section,
        status=story_state(story, site, now),
        published_at=story.published_at,
        close_at=story.close_at,
        closes_at=closes_at(story, site),
        message=story.message,
        premoderated=story.premoderated,
        comment_count=story.comment_count,
        created=created,
    )


async def comment_counts(conn: Connection, site_id: str, story_keys: list[str]) -> dict[str, int]:
    """Published comment counts for many stories in one query; unknown stories count 0."""
    counts = dict.fromkeys(story_keys, 0)
    if story_keys:
        rows = await conn.execute(
            select(stories.c.story_key, stories.c.comment_count).where(
                stories.c.site_id == site_id, stories.c.story_key.in_(story_keys)
            )
        )
        counts.update({row.story_key: row.comment_count for row in rows})
    return counts
