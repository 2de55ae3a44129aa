"""Takedown requests in Chromium (issue #14): the public form, then the desk's Takedown queue
with its clock, its alert and a decision."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from playwright.sync_api import Page, expect

from browser.support import SITE, LiveServer, axe_violations, open_story
from rejoinder.policies.models import takedown_requests


def _overdue_request(live: LiveServer, comment_id: int) -> int:
    """A request received eight days ago (the server's clock is the real one)."""

    async def insert() -> int:
        received = datetime.now(UTC) - timedelta(days=8)
        async with live.runtime.db.transaction() as tx:
            found = await tx.conn.execute(
                takedown_requests.insert()
                .values(
                    site_id=SITE,
                    comment_id=comment_id,
                    reason="privacy",
                    contact_name="Taro Suzuki",
                    contact_email="taro@example.jp",
                    statement="My address is in it.",
                    received_at=received,
                    deadline_at=received + timedelta(days=7),
                    status="open",
                    language="ja",
                )
                .returning(takedown_requests.c.id)
            )
            return int(found.scalar_one())

    return live.run(insert())


def test_a_person_without_an_account_files_a_request_in_english(
    page: Page, live_server: LiveServer
) -> None:
    story = live_server.story()
    comment = live_server.comment(live_server.reader(), story, "Claims about a neighbour")
    permalink = f"{live_server.story_url(story)}#comment-{comment}"
    page.goto(f"/takedown/{SITE}?lang=en&comment={quote(permalink, safe='')}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Request the removal of a comment")
    expect(page.get_by_label("Link to the comment")).to_have_value(permalink)
    assert axe_violations(page) == []

    page.get_by_label("Your e-mail address").fill("not an address")
    page.get_by_role("button", name="Send the request").click()
    summary = page.locator("#takedown-errors")
    expect(summary).to_contain_text("Choose a reason.")
    expect(summary).to_contain_text("Enter your name.")
    expect(summary).to_contain_text("Enter a valid e-mail address")
    expect(summary).to_contain_text("Confirm that the information is accurate.")
    expect(page.get_by_label("Your e-mail address")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Link to the comment")).to_have_value(permalink)  # kept
    assert axe_violations(page) == []
    summary.get_by_role("link", name="Choose a reason.").click()
    expect(page.get_by_label("Reason")).to_be_focused()

    page.get_by_label("Reason").select_option("defamation")
    page.get_by_label("Your name (or your organisation's)").fill("Legal Dept.")
    page.get_by_label("Your e-mail address").fill("legal@firm.test")
    page.get_by_label("Why should the comment be removed?").fill("It makes false claims.")
    page.get_by_label("I confirm that the information").check()
    page.get_by_role("button", name="Send the request").click()
    done = page.locator("#takedown-done")
    expect(done.get_by_role("heading")).to_have_text("We received your request")
    expect(done).to_contain_text("write to legal@firm.test with our decision")
    expect(done.get_by_role("link", name="Back to the article")).to_have_attribute(
        "href", permalink
    )


def test_the_widget_report_form_links_to_the_takedown_form_for_that_comment(
    page: Page, live_server: LiveServer
) -> None:
    story = live_server.story()
    comment = live_server.comment(live_server.reader(), story, "A claim about a company")
    open_story(page, live_server, story, reader=live_server.reader())
    item = page.locator(f"rejoinder-comments #comment-{comment}")
    item.get_by_role("button", name="Report").click()
    legal = item.get_by_role("link", name="A legal problem (defamation, privacy, copyright…)?")
    with page.context.expect_page() as opened:
        legal.click()
    form = opened.value
    expect(form.get_by_label("Link to the comment")).to_have_value(
        f"{live_server.story_url(story)}#comment-{comment}"
    )
    expect(form.locator("html")).to_have_attribute("lang", "en")
    form.close()


def test_the_form_in_japanese(page: Page, live_server: LiveServer) -> None:
    page.goto(f"/takedown/{SITE}?lang=ja")
    expect(page.get_by_role("heading", level=1)).to_have_text("コメントの削除依頼")
    page.get_by_label("コメントのリンク").fill("https://example.test/no-comment-here")
    page.get_by_role("button", name="依頼を送信").click()
    expect(page.locator("#takedown-errors")).to_contain_text(
        "コメントのリンク（末尾が #comment- と番号）"
    )
    expect(page.locator("#takedown-errors")).to_contain_text("理由を選んでください。")
    expect(page.locator("html")).to_have_attribute("lang", "ja")


def test_the_desk_shows_the_clock_raises_the_alert_and_decides(
    page: Page, live_server: LiveServer
) -> None:
    story = live_server.story()
    comment = live_server.comment(
        live_server.reader(), story, "The bakery on the corner opened today"
    )
    request_id = _overdue_request(live_server, comment)
    admin = live_server.reader(role="admin", display_name="Hiroko Desk")
    page.goto(f"/admin?lang=en#session={admin.token}")
    alert = page.locator("#protection-alerts .takedown-alert")
    expect(alert).to_contain_text("1 takedown request overdue.")
    expect(page.locator("#tab-takedowns .count.urgent")).to_be_visible()
    alert.get_by_role("button", name="Open the Takedown queue").click()
    expect(page).to_have_url(f"{live_server.base_url}/admin?lang=en#takedowns")

    card = page.locator(f'.takedown[data-id="{request_id}"]')
    expect(card).to_contain_text(re.compile(r"Overdue by 1 day(?!s)"))  # singular
    expect(card).to_contain_text("Privacy")
    expect(card).to_contain_text("Taro Suzuki")
    expect(card.locator(".body")).to_contain_text("The bakery on the corner opened today")
    expect(card).to_contain_text("Published")
    card.get_by_role("button", name="Remove the comment").click()
    expect(card.get_by_role("alert")).to_have_text(
        "Write the reason for the decision first: it is sent to the requester."
    )
    card.get_by_label("Reason for the decision").fill("A private address.")
    card.get_by_role("button", name="Remove the comment").click()
    expect(page.locator(".status.ok")).to_have_text(
        f"Request #{request_id}: the comment was removed and the requester told why."
    )
    expect(card).to_have_count(0)  # no longer open

    page.locator("#takedown-status").select_option("removed")
    decided = page.locator(f'.takedown[data-id="{request_id}"]')
    expect(decided).to_contain_text("by Hiroko Desk")
    expect(decided).to_contain_text("A private address.")
    expect(decided).to_contain_text("Rejected")  # the comment, through the moderation action
    page.get_by_role("tab", name="Pending").click()
    expect(page.locator("#takedown-status")).to_be_hidden()
    expect(page).to_have_url(f"{live_server.base_url}/admin?lang=en")


def test_the_desk_queue_in_japanese(page: Page, live_server: LiveServer) -> None:
    story = live_server.story()
    comment = live_server.comment(live_server.reader(), story, "角のパン屋が今日開店しました")
    request_id = _overdue_request(live_server, comment)
    admin = live_server.reader(role="admin")
    page.goto(f"/admin?lang=ja#session={admin.token}")
    page.get_by_role("tab", name="削除依頼").click()
    card = page.locator(f'.takedown[data-id="{request_id}"]')
    expect(card).to_contain_text("期限を1日超過")
    expect(card.get_by_role("button", name="削除しない")).to_be_visible()
    expect(page.locator("#protection-alerts")).to_contain_text("期限を過ぎた削除依頼が")
