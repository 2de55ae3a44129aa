"""Newsroom policies a reader meets (issue #14): the registered name, in Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from browser.support import SITE, LiveServer, open_story

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
