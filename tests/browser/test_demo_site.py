"""The demo publication: comment counts on the front page and the reader switcher."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from browser.support import LiveServer, axe_violations, widget_ready

W = "rejoinder-comments"


def test_front_page_counts_and_reader_switcher(page: Page, live_server: LiveServer) -> None:
    from rejoinder.demo.seed import seed_stories

    live_server.run(seed_stories(live_server.runtime))
    page.goto("/")
    expect(page.locator("[data-rejoinder-count=harbour-bridge-reopens]")).to_have_text("7")
    expect(page.locator("[data-rejoinder-label=harbour-bridge-reopens]")).to_have_text("comments")
    # the closed story keeps its one comment: singular, not "1 comments"
    expect(page.locator("[data-rejoinder-count=election-night-results]")).to_have_text("1")
    expect(page.locator("[data-rejoinder-label=election-night-results]")).to_have_text("comment")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Harbour Bridge reopens after two years of repairs").click()
    widget_ready(page)
    expect(page.locator(f"{W} .rj-title")).to_have_text("7 comments")
    expect(page.locator(f"{W} .rj-gate-signin")).to_be_visible()

    switcher = page.get_by_label("Read this site as")
    switcher.select_option("free")
    expect(page.locator(f"{W} .rj-gate-plan")).to_contain_text("Your plan “Free”")
    switcher.select_option("digital-new")
    expect(page.locator(f"{W} .rj-gate-name")).to_be_visible()
    switcher.select_option("premium")
    expect(page.locator(f"{W} .rj-composer-new")).to_be_visible()
    expect(page.locator(f"{W} .rj-account")).to_contain_text("Ned Leeds")
    assert axe_violations(page) == []
    desk = page.get_by_role("link", name="Moderation desk")
    expect(desk).to_be_hidden()
    switcher.select_option("moderator")
    expect(desk).to_be_visible()
    expect(desk).to_have_attribute("href", re.compile(r"^/admin#session=rj_"))
    switcher.select_option("suspended")
    expect(page.locator(f"{W} .rj-gate-status")).to_contain_text("suspended")
    expect(desk).to_be_hidden()
    switcher.select_option("")
    expect(page.locator(f"{W} .rj-gate-signin")).to_be_visible()

    page.goto("/articles/election-night-results")
    widget_ready(page)
    expect(page.locator(f"{W} .rj-gate-closed")).to_be_visible()
    page.goto("/articles/sakura-forecast-tokyo")
    widget_ready(page)
    expect(page.locator(f"{W} .rj-title")).to_have_text("コメント 2件")
