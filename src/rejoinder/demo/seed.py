"""Demo readers in every state of the comment box (PRODUCT.md §2), the demo stories and their
comments. Seeding is idempotent: readers are created once, a story's comments only while it
has none. Everything goes through the service actions, as real traffic would.
"""

from __future__ import annotations

import json
from datetime import timedelta

import msgspec

from rejoinder.accounts import service as accounts_service
from rejoinder.accounts.queries import viewer_for_account
from rejoinder.plans import service as plans_service
from rejoinder.profiles import service as profiles_service
from rejoinder.runtime import Runtime
from rejoinder.settings import SiteSettings
from rejoinder.stories.queries import StoryRow


class DemoReader(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    label: str
    plan: str
    display_name: str | None = None
    role: str = "commenter"
    status: str = "active"


READERS = (
    DemoReader(key="free", label="Free plan (read only)", plan="free"),
    DemoReader(key="digital-new", label="Digital, no display name yet", plan="digital"),
    DemoReader(
        key="digital",
        label="Digital, with a display name",
        plan="digital",
        display_name="Mary Jane",
    ),
    DemoReader(key="premium", label="Premium subscriber", plan="premium", display_name="Ned Leeds"),
    DemoReader(
        key="moderator",
        label="Moderator",
        plan="premium",
        display_name="Robbie Robertson",
        role="moderator",
    ),
    DemoReader(
        key="suspended",
        label="Suspended reader",
        plan="digital",
        display_name="Flash Thompson",
        status="suspended",
    ),
)


# Commenters who fill the demo threads; they are not in the reader switcher.
COMMENTERS = (
    DemoReader(key="betty", label="Betty Brant", plan="digital", display_name="Betty Brant"),
    DemoReader(key="gwen", label="Gwen Stacy", plan="premium", display_name="Gwen Stacy"),
    DemoReader(key="hanako", label="山田花子", plan="digital", display_name="山田花子"),
    DemoReader(key="ken", label="佐藤健", plan="premium", display_name="佐藤健"),
)


def external_id(reader: DemoReader) -> str:
    return f"demo-{reader.key}"


async def seed_readers(runtime: Runtime) -> None:
    from sqlalchemy import update

    from rejoinder.accounts.models import accounts

    for reader in (*READERS, *COMMENTERS):
        result = await plans_service.sync_subscriber(runtime, external_id(reader), reader.plan)
        if not result.created:
            continue
        if reader.role != "commenter":
            await accounts_service.set_role(runtime, result.account_id, reader.role)
        if reader.role == "moderator":
            await _grant_every_site(runtime, result.account_id)
        async with runtime.db.read() as conn:
            viewer = await viewer_for_account(conn, result.account_id, runtime.settings)
        assert viewer is not None
        if reader.display_name:
            await profiles_service.update_profile(runtime, viewer, reader.display_name, None)
            await _wants_mail(runtime, result.account_id, reader)
        if reader.status != "active":
            until = runtime.clock.now() + timedelta(days=3)
            async with runtime.db.transaction() as tx:
                await tx.conn.execute(
                    update(accounts)
                    .where(accounts.c.id == result.account_id)
                    .values(
                        status=reader.status,
                        status_until=until,
                        status_reason="Repeated personal attacks (demo).",
                    )
                )


async def _wants_mail(runtime: Runtime, account_id: int, reader: DemoReader) -> None:
    """Demo readers with a name get every notification by mail at once; the mail stays in
    the process and shows at ``/demo/mail``."""
    from sqlalchemy import update

    from rejoinder.accounts.models import accounts
    from rejoinder.notifications.preferences import update_settings
    from rejoinder.notifications.schemas import NotificationSettingsUpdate

    async with runtime.db.transaction() as tx:
        await tx.conn.execute(
            update(accounts)
            .where(accounts.c.id == account_id)
            .values(email=f"{reader.key}@bugle.test")
        )
        await update_settings(
            tx, account_id, NotificationSettingsUpdate(email="immediate"), runtime.clock.now()
        )


async def _grant_every_site(runtime: Runtime, account_id: int) -> None:
    """The demo moderator moderates the demo site(s), so the desk has work to show."""
    from rejoinder.moderation.models import moderator_scopes

    async with runtime.db.transaction() as tx:
        for site in runtime.settings.sites:
            await tx.conn.execute(
                moderator_scopes.insert().values(account_id=account_id, site_id=site.id)
            )


async def _account_ids(runtime: Runtime) -> dict[str, int]:
    from sqlalchemy import select

    from rejoinder.accounts.models import accounts

    keys = {external_id(r): r.key for r in (*READERS, *COMMENTERS)}
    async with runtime.db.read() as conn:
        rows = await conn.execute(
            select(accounts.c.id, accounts.c.external_id).where(
                accounts.c.external_id.in_(list(keys))
            )
        )
        return {keys[row.external_id]: row.id for row in rows}


async def seed_stories(runtime: Runtime, site_id: str = "demo") -> None:
    """The demo articles as stories, each with its seeded conversation."""
    from rejoinder.comments.feedback import react, report
    from rejoinder.comments.service import create_comment
    from rejoinder.demo.articles import ARTICLES, COMMENTS
    from rejoinder.kernel.clock import FrozenClock
    from rejoinder.stories.queries import find_story
    from rejoinder.stories.schemas import StoryUpsert
    from rejoinder.stories.service import upsert_story

    site = runtime.settings.site(site_id)
    assert site is not None
    base = runtime.settings.server.public_url
    now = runtime.clock.now()
    ids = await _account_ids(runtime)
    for article in ARTICLES:
        async with runtime.db.read() as conn:
            existing = await find_story(conn, site_id, article.slug)
        if existing is not None and existing.comment_count:
            await _move_to(runtime, site, existing, f"{base}/articles/{article.slug}")
            continue
        published = now - timedelta(hours=article.hours_ago)
        story = StoryUpsert(
            title=article.title,
            url=f"{base}/articles/{article.slug}",
            published_at=published,
            section=article.section,
        )
        await upsert_story(runtime, site, article.slug, story)
        clock = FrozenClock(published + timedelta(minutes=12))
        writer = runtime.using(clock=clock)
        posted: list[int] = []
        for item in COMMENTS.get(article.slug, ()):
            async with runtime.db.read() as conn:
                viewer = await viewer_for_account(conn, ids[item.author], runtime.settings)
            assert viewer is not None
            parent = posted[item.reply_to] if item.reply_to is not None else None
            stored = await create_comment(
                writer,
                viewer,
                site_id,
                article.slug,
                item.body,
                parent,
                idempotency_key=None,
                client="demo-seed",
            )
            posted.append(int(json.loads(stored.body)["comment"]["id"]))
            for fan in item.likes:
                async with runtime.db.read() as conn:
                    liker = await viewer_for_account(conn, ids[fan], runtime.settings)
                assert liker is not None
                await react(writer, liker, posted[-1], "like", add=True, client="demo-seed")
            for reporter, reason in item.reports:
                async with runtime.db.read() as conn:
                    by = await viewer_for_account(conn, ids[reporter], runtime.settings)
                assert by is not None
                await report(writer, by, posted[-1], reason, None, client="demo-seed")
            clock.advance(minutes=min(23.0, article.hours_ago * 60 / 12))
        if article.closed:
            closed = msgspec.structs.replace(story, status="closed")
            await upsert_story(runtime, site, article.slug, closed)


async def _move_to(runtime: Runtime, site: SiteSettings, story: StoryRow, url: str) -> None:
    """Re-point a stored demo story at this run's address (the demo may move to another port).

    Everything else stays as stored; links in the account page and the desk are read from it.
    """
    from rejoinder.stories.schemas import StoryUpsert
    from rejoinder.stories.service import upsert_story

    if story.url == url:
        return
    moved = StoryUpsert(
        title=story.title,
        url=url,
        published_at=story.published_at,
        section=story.section,
        status="closed" if story.status == "closed" else "open",
        close_at=story.close_at,
        message=story.message,
        premoderated=story.premoderated,
    )
    await upsert_story(runtime, site, story.story_key, moved)


async def seed(runtime: Runtime) -> None:
    await seed_readers(runtime)
    await seed_stories(runtime)
