"""The reader's notifications in the widget, in Debian's chromium: a reply from another reader
shows up in the count without a reload, the list links to the comment, following it clears
the count; mark all as read, in Japanese, and nothing of it for the public."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from browser.support import LiveServer, article_html, axe_violations, open_story
from rejoinder.notifications.queries import unread

W = "rejoinder-comments"


@pytest.fixture
def other(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    ctx = browser.new_context(base_url=live_server.base_url, locale="en-GB")
    ctx.set_default_timeout(10_000)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    ctx.close()
    assert not errors, errors


def unread_of(live: LiveServer, account_id: int) -> int:
    async def count() -> int:
        async with live.runtime.db.read() as conn:
            return await unread(conn, account_id)

    return live.run(count())


def live_open(page: Page) -> None:
    page.locator(f"{W} .rj[data-live=open]").wait_for()


def test_a_reply_shows_in_the_count_and_the_link_leads_to_it(
    page: Page, other: Page, live_server: LiveServer
) -> None:
    b = live_server.reader(display_name="Bea Original")
    a = live_server.reader(display_name="Abe Answers")
    first = live_server.story()
    mine = live_server.comment(b, first, "Bridges should be free to cross.")
    # B reads another article: the count is B's, whatever page B is on.
    elsewhere = live_server.story()
    open_story(page, live_server, elsewhere, reader=b)
    live_open(page)
    bell = page.locator(f"{W} .rj-bell")
    expect(bell).to_have_accessible_name("Notifications")
    expect(bell.locator(".rj-badge")).to_be_hidden()

    # A answers B, through A's own widget.
    open_story(other, live_server, first, reader=a)
    other.locator(f"{W} #comment-{mine}").get_by_role("button", name="Reply").click()
    other.locator(f"{W} .rj-composer-reply textarea").fill("Thank you, that is a fair point.")
    other.locator(f"{W} .rj-composer-reply").get_by_role("button", name="Post reply").click()
    expect(other.locator(f"{W} .rj-comment")).to_have_count(2)

    # B's page learns of it over the live stream, without a reload.
    expect(bell.locator(".rj-badge")).to_have_text("1")
    expect(bell).to_have_accessible_name("Notifications (1 unread)")
    expect(page.locator(f"{W} .rj-sr[role=status]")).to_have_text("You have 1 unread notification.")
    bell.click()
    expect(bell).to_have_attribute("aria-expanded", "true")
    panel = page.locator(f"{W} #rj-notifications")
    expect(panel.get_by_role("heading", name="Your notifications")).to_be_focused()
    item = panel.locator(".rj-notification")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Unread")
    link = item.get_by_role("link")
    expect(link).to_have_text(f"Abe Answers replied to your comment on “Test story {first}”")
    reply_id = int(link.get_attribute("href").rsplit("#comment-", 1)[1])  # type: ignore[union-attr]
    assert reply_id != mine
    assert link.get_attribute("href") == f"{live_server.story_url(first)}#comment-{reply_id}"

    # Following the link marks it read, then opens the article at the reply.
    html = article_html(live_server, first)
    page.route(
        live_server.story_url(first),
        lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"),
    )
    link.click()
    page.wait_for_url(f"**/t/{first}#comment-{reply_id}")
    reply = page.locator(f"{W} #comment-{reply_id}")
    expect(reply).to_be_focused()
    expect(reply).to_have_class("rj-comment rj-highlight")
    badge = page.locator(f"{W} .rj-bell .rj-badge")
    expect(page.locator(f"{W} .rj-bell")).to_have_accessible_name("Notifications")
    expect(badge).to_be_hidden()
    assert unread_of(live_server, b.account_id) == 0
    page.locator(f"{W} .rj-bell").click()
    expect(page.locator(f"{W} .rj-notification")).not_to_contain_text("Unread")


def test_the_public_gets_no_notifications_and_no_request(
    page: Page, live_server: LiveServer
) -> None:
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/me/notifications" in r.url else None)
    open_story(page, live_server, live_server.story())
    live_open(page)
    expect(page.locator(f"{W} .rj-bell")).to_have_count(0)
    expect(page.locator(f"{W} #rj-notifications")).to_have_count(0)
    assert asked == []


def test_mark_all_read_in_japanese_and_accessible(page: Page, live_server: LiveServer) -> None:
    me = live_server.reader(display_name="Hanako Yomu")
    replier = live_server.reader(display_name="Taro Kaku")
    story = live_server.story(lang="ja")
    mine = live_server.comment(me, story, "橋の通行料について。")
    for text in ("賛成です。", "反対です。"):
        live_server.comment(replier, story, text, mine)
    open_story(page, live_server, story, reader=me, lang="ja")
    bell = page.locator(f"{W} .rj-bell")
    expect(bell.locator(".rj-badge")).to_have_text("2")
    expect(bell).to_have_accessible_name("通知 (未読2件)")
    bell.click()
    panel = page.locator(f"{W} #rj-notifications")
    expect(panel.get_by_role("heading", name="あなたへの通知")).to_be_focused()
    expect(panel.locator(".rj-notification")).to_have_count(2)
    expect(panel.locator(".rj-notification").first).to_contain_text(
        f"Taro Kakuさんが「Test story {story}」のあなたのコメントに返信しました"
    )
    assert axe_violations(page) == []
    panel.get_by_role("button", name="すべて既読にする").click()
    expect(bell.locator(".rj-badge")).to_be_hidden()
    expect(panel.locator(".rj-unread")).to_have_count(0)
    expect(page.locator(f"{W} .rj-sr[role=status]")).to_have_text("既読にしました。")
    assert unread_of(live_server, me.account_id) == 0
    # Escape closes the panel and gives the focus back to the button.
    panel.get_by_role("heading", name="あなたへの通知").press("Escape")
    expect(panel).to_be_hidden()
    expect(bell).to_be_focused()
    expect(bell).to_have_attribute("aria-expanded", "false")
