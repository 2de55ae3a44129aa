"""The toxicity nudge as a reader meets it in the widget: asked once to rephrase (the text is
kept), then, sent unchanged, held for a moderator."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from browser.support import LiveServer, open_story

W = "rejoinder-comments"


def test_nudge_then_hold(page: Page, live_server: LiveServer) -> None:
    story = live_server.story()
    open_story(page, live_server, story, reader=live_server.reader(display_name="Heated Reader"))
    composer = page.locator(f"{W} .rj-composer-new")
    toxic = "You are a fucking idiot and a moron."
    composer.locator("textarea").fill(toxic)
    composer.get_by_role("button", name="Post comment").click()
    expect(composer.locator(".rj-error")).to_contain_text("Would you like to rephrase it?")
    expect(composer.locator("textarea")).to_have_value(toxic)
    assert live_server.comment_count(story) == 0
    composer.get_by_role("button", name="Post comment").click()
    expect(page.locator(f"{W} [role=status]")).to_have_text(
        "Your comment was received and is awaiting moderation."
    )
    assert live_server.comment_count(story) == 1
