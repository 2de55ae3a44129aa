"""Newsroom policies a reader meets (issue #14): the registered name, in Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from browser.support import SITE, LiveServer, open_story
from rejoinder.settings import ProtectionRule

W = "rejoinder-comments"


@pytest.fixture
def registered_names(live_server: LiveServer) -> Iterator[None]:
    site = live_server.runtime.settings.site(SITE)
    assert site is not None
    site.registered_name_required = True
    try:
        yield
    finally:
        site.registered_name_required = False


@pytest.mark.usefixtures("registered_names")
def test_the_widget_asks_for_a_registered_name_then_the_reader_comments(
    page: Page, live_server: LiveServer
) -> None:
    story = live_server.story()
    open_story(page, live_server, story, reader=live_server.reader(display_name="Hana Reads"))
    gate = page.locator(f"{W} .rj-gate-regname")
    expect(gate.get_by_role("heading")).to_have_text("Register your name")
    expect(gate).to_contain_text("never shown publicly")
    expect(page.locator(f"{W} .rj-composer-new")).to_have_count(0)
    # The inline form says what is wrong, in the reader's words.
    gate.get_by_label("First name").fill("花子")
    gate.get_by_label("Surname").fill("Yamashita")
    gate.get_by_role("button", name="Save registered name").click()
    expect(gate.locator(".rj-feedback")).to_have_text(
        "Write your first name in Roman letters (spaces, hyphens and apostrophes allowed) only."
    )

    gate.get_by_role("link", name="Profile section").click()
    page.wait_for_url("**/account/profile?return=*")
    expect(page.locator("#regname-slot .notice")).to_contain_text("registered name")
    page.locator("#regname-slot").get_by_label("First name").fill("Hanako")
    page.locator("#regname-slot").get_by_label("Surname").fill("Yamashita")
    page.get_by_role("button", name="Save registered name").click()
    page.wait_for_url(live_server.story_url(story) + "#comments")
    composer = page.locator(f"{W} .rj-composer-new")
    expect(composer).to_be_visible()
    composer.locator("textarea").fill("Now I can comment.")
    composer.get_by_role("button", name="Post").click()
    expect(page.locator(f"{W} .rj-comment").first).to_contain_text("Now I can comment.")
    expect(page.locator(W)).not_to_contain_text("Hanako")  # the registered name stays private


def _story_status(live: LiveServer, story: str) -> str:
    from sqlalchemy import select

    from rejoinder.stories.models import stories

    async def read() -> str:
        async with live.runtime.db.read() as conn:
            status: str = (
                await conn.execute(
                    select(stories.c.status).where(
                        stories.c.site_id == SITE, stories.c.story_key == story
                    )
                )
            ).scalar_one()
            return status

    return live.run(read())


def test_the_desk_shows_an_automatic_closure_and_reopens_it_in_one_click(
    page: Page, live_server: LiveServer
) -> None:
    site = live_server.runtime.settings.site(SITE)
    assert site is not None
    site.protection = ProtectionRule(window_minutes=60, held_threshold=2, message="Paused.")
    try:
        story = live_server.story(premoderated=True)
        author = live_server.reader()
        for number in range(2):
            live_server.comment(author, story, f"Held comment {number}")
        # The relay's loop applies the rule in the background: wait until it has.
        for _ in range(200):
            if _story_status(live_server, story) == "closed":
                break
            page.wait_for_timeout(50)
        assert _story_status(live_server, story) == "closed"

        admin = live_server.reader(role="admin")
        page.goto(f"/admin?lang=en#session={admin.token}")
        alert = page.locator("#protection-alerts .alert").filter(has_text=f"Story {story}")
        expect(alert).to_contain_text("was closed automatically: 2 held comments within 60 minutes")
        alert.get_by_role("button", name="Reopen").click()
        expect(page.locator(".status.ok")).to_contain_text("is open again")
        expect(alert).to_have_count(0)
        assert _story_status(live_server, story) == "open"
    finally:
        site.protection = None


def test_a_plan_that_needs_a_verified_phone_says_so_in_japanese(
    page: Page, live_server: LiveServer
) -> None:
    plan = live_server.runtime.settings.plan("premium")
    assert plan is not None
    plan.requires_verified = ["phone_verified"]
    try:
        story = live_server.story(lang="ja")
        reader = live_server.reader(plan="premium", display_name="Kenji Reads")
        open_story(page, live_server, story, reader=reader, lang="ja")
        gate = page.locator(f"{W} .rj-gate-verify")
        expect(gate).to_contain_text("本人確認（電話番号など）")
        expect(page.locator(f"{W} .rj-composer-new")).to_have_count(0)
    finally:
        plan.requires_verified = []


def test_a_section_the_rule_hides_shows_only_its_message_until_reopened(
    page: Page, live_server: LiveServer
) -> None:
    from factories import viewer
    from rejoinder.comments.feedback import report
    from rejoinder.moderation.access import Scope
    from rejoinder.policies.protection import reopen
    from rejoinder.policies.queries import alerts

    site = live_server.runtime.settings.site(SITE)
    assert site is not None
    site.protection = ProtectionRule(
        window_minutes=60, report_threshold=2, action="hide", message="Hidden for review."
    )
    try:
        story = live_server.story()
        author = live_server.reader()
        comment = live_server.comment(author, story, "Before the storm")
        for _ in range(2):
            reporter = live_server.reader()
            me = live_server.run(viewer(live_server.runtime, reporter.account_id))
            live_server.run(report(live_server.runtime, me, comment, "abuse", None, client="b"))
        for _ in range(200):
            if _story_status(live_server, story) == "hidden":
                break
            page.wait_for_timeout(50)
        assert _story_status(live_server, story) == "hidden"

        open_story(page, live_server, story, reader=live_server.reader(display_name="Mai Reads"))
        expect(page.locator(f"{W} .rj-gate-hidden")).to_have_text(
            "The comments on this story are hidden for now."
        )
        expect(page.locator(W)).to_contain_text("Hidden for review.")
        expect(page.locator(f"{W} .rj-comment")).to_have_count(0)
        expect(page.locator(f"{W} .rj-empty")).to_be_hidden()

        account = live_server.reader(role="admin").account_id
        admin = Scope(account_id=account, display_name=None, is_admin=True, sites=frozenset())

        async def reopen_it() -> None:
            async with live_server.runtime.db.read() as conn:
                found = await alerts(conn, admin, SITE, active=True)
            [alert] = [a for a in found.alerts if a.story_id == story]
            await reopen(live_server.runtime, admin, alert.id)

        live_server.run(reopen_it())
        # The live stream says the story changed: the comments come back without a reload.
        expect(page.locator(f"{W} .rj-comment").first).to_contain_text("Before the storm")
        expect(page.locator(f"{W} .rj-gate-hidden")).to_have_count(0)
    finally:
        site.protection = None
