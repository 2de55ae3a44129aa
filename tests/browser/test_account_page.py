"""The subscriber account page: Profile (with ?return=), My comments, Notifications, Privacy."""

from __future__ import annotations

import json
from urllib.parse import quote

from playwright.sync_api import Page, expect

from browser.support import LiveServer, axe_violations, open_story, sign_in

W = "rejoinder-comments"


def test_display_name_from_the_widget_link_returns_to_the_story(
    page: Page, live_server: LiveServer
) -> None:
    story = live_server.story()
    open_story(page, live_server, story, reader=live_server.reader(display_name=None))
    page.locator(f"{W} .rj-gate-name").get_by_role("link", name="Profile section").click()
    page.wait_for_url("**/account/profile?return=*")
    expect(page.locator("#name-slot .notice")).to_contain_text("create your display name")
    expect(page.get_by_role("link", name="Back to the article")).to_have_attribute(
        "href", live_server.story_url(story)
    )
    name = page.get_by_label("Display name")
    name.fill("Admin")
    expect(page.locator(".rj-feedback")).to_contain_text("reserved")
    name.fill("Returning Reader")
    expect(page.locator(".rj-feedback")).to_contain_text("is available")
    page.get_by_role("button", name="Create display name").click()
    page.wait_for_url(live_server.story_url(story) + "#comments")  # the comment box, not the top
    expect(page.locator(f"{W} .rj-composer-new")).to_be_visible()
    expect(page.locator(f"{W} .rj-composer-new textarea")).to_be_focused()
    expect(page.locator(f"{W} .rj-account")).to_contain_text("Returning Reader")


def test_a_return_address_off_site_is_ignored(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server, live_server.reader())
    page.goto("/account/profile?return=" + quote("https://evil.example/phish"))
    expect(page.locator("#profile")).to_be_visible()
    expect(page.get_by_role("link", name="Back to the article")).to_have_count(0)


def test_my_comments_notifications_and_privacy(page: Page, live_server: LiveServer) -> None:
    story = live_server.story()
    me = live_server.reader(display_name="Account Owner")
    mine = live_server.comment(me, story, "My *own* words.")
    live_server.comment(live_server.reader(display_name="Kind Replier"), story, "Nice!", mine)
    sign_in(page, live_server, me)
    page.goto("/account/comments")
    expect(page.locator("#whoami")).to_have_text("Signed in as Account Owner.")
    item = page.locator("#my-comments li").first
    expect(item.locator(".body em")).to_have_text("own")
    expect(item.locator(".badge")).to_have_text("Published")
    expect(item.get_by_role("link")).to_have_attribute(
        "href", f"{live_server.story_url(story)}#comment-{mine}"
    )
    expect(page.locator("#replies li")).to_contain_text("Kind Replier replied on")
    expect(page.locator("#comments")).to_be_focused()

    # Notifications: real settings, saved and read back (the consumer reads the same row).
    page.goto("/account/notifications")
    # The form opens once the saved settings are in (a change made before would be lost).
    expect(page.get_by_label("someone replies to my comment")).to_be_checked()
    page.get_by_label("someone replies to my comment").uncheck()
    expect(page.get_by_label("the newsroom features my comment")).to_be_checked()
    page.get_by_label("E-mail", exact=True).select_option("weekly")
    page.get_by_label("Time zone of digests").select_option("Asia/Tokyo")
    page.get_by_label("Language of e-mail").select_option("ja")
    page.get_by_role("button", name="Save preferences").click()
    expect(page.locator("#notifications-status")).to_have_text("Your preferences were saved.")
    page.reload()
    expect(page.get_by_label("someone replies to my comment")).to_be_enabled()  # loaded
    expect(page.get_by_label("someone replies to my comment")).not_to_be_checked()
    expect(page.get_by_label("the newsroom features my comment")).to_be_checked()
    expect(page.get_by_label("E-mail", exact=True)).to_have_value("weekly")
    expect(page.get_by_label("Time zone of digests")).to_have_value("Asia/Tokyo")
    expect(page.get_by_label("Language of e-mail")).to_have_value("ja")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data").click()
    path = download.value.path()
    data = json.loads(path.read_text("utf-8"))
    assert data["account"]["display_name"] == "Account Owner"
    assert [c["id"] for c in data["comments"]] == [mine]
    assert data["notification_preferences"] == {
        "reply": False,
        "featured": True,
        "moderation": True,
        "staff_reply": True,
        "email": "weekly",
        "time_zone": "Asia/Tokyo",
        "language": "ja",
    }
    assert "password_hash" not in data["account"]

    page.get_by_role("button", name="Delete my account").click()
    page.get_by_role("button", name="Yes, delete my account").click()
    expect(page.locator("#deletion")).to_contain_text("Your account will be deleted on")
    expect(page.get_by_role("button", name="Cancel the deletion")).to_be_focused()
    page.reload()
    page.get_by_role("button", name="Cancel the deletion").click()
    expect(page.get_by_role("button", name="Delete my account")).to_be_focused()
    assert axe_violations(page) == []


def test_account_page_in_japanese_and_signed_out(page: Page, live_server: LiveServer) -> None:
    page.goto("/account?lang=ja")
    expect(page.locator("h1")).to_have_text("アカウント")
    expect(page.locator("#signin")).to_be_visible()
    expect(page.locator("nav.sections")).to_contain_text("自分のコメント")
    assert axe_violations(page) == []


def test_cross_origin_embed_uses_cors_and_hands_the_session_to_the_account_page(
    page: Page, live_server: LiveServer
) -> None:
    """The article on localhost, Rejoinder on 127.0.0.1: two origins, like a real publisher."""
    story = live_server.story()
    port = live_server.base_url.rsplit(":", 1)[1]
    article = f"http://localhost:{port}/publisher/{story}"
    html = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Publisher</title>
<script async src="{live_server.base_url}/embed.js"></script></head><body><main>
<h1>A publisher page</h1><rejoinder-comments site="demo" story="{story}"
 story-url="{article}"></rejoinder-comments></main></body></html>"""
    page.route(article, lambda route: route.fulfill(body=html, content_type="text/html"))
    page.goto(article)
    page.locator(f"{W} .rj-gate-signin").wait_for()
    token = live_server.sso_token("cross-origin-reader", "premium")
    page.evaluate("token => Rejoinder.login(token)", token)
    gate = page.locator(f"{W} .rj-gate-name")
    gate.locator("input").fill("Far Away Reader")
    gate.get_by_role("button", name="Create display name").click()
    page.locator(f"{W} .rj-composer-new textarea").fill("Posted across origins.")
    page.locator(f"{W} .rj-composer-new button[type=submit]").click()
    expect(page.locator(f"{W} .rj-comment .rj-body")).to_have_text("Posted across origins.")
    page.locator(f"{W} .rj-account").get_by_role("link", name="Your account").click()
    # The article's language, site and address go along: branding and a way back (issue 13).
    page.wait_for_url(f"{live_server.base_url}/account?*")
    assert "lang=en" in page.url
    assert "site=demo" in page.url
    expect(page.get_by_role("link", name="Back to the article")).to_be_visible()
    expect(page.locator("#whoami")).to_have_text("Signed in as Far Away Reader.")
    assert "session=" not in page.url


def test_the_bio_counts_what_fits(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server, live_server.reader(display_name="Counting Reader"))
    page.goto("/account/profile")
    bio = page.get_by_label("Short bio")
    expect(page.locator("#bio-count")).to_have_text("0 of 500 characters")
    bio.fill("I read the harbour news.")
    expect(page.locator("#bio-count")).to_have_text("24 of 500 characters")
    bio.fill("x" * 600)  # the box keeps what fits, and the counter says where it stopped
    expect(page.locator("#bio-count")).to_have_text("500 of 500 characters")
