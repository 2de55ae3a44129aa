"""The moderation desk at /admin, driven in Debian's chromium: queues, keyboard shortcuts,
reject reasons, sanctions, bulk actions, Japanese, tablet width, and who may use it."""

from __future__ import annotations

import itertools
from typing import Any

from playwright.sync_api import Page, expect

from browser.support import LiveServer, axe_violations
from factories import Reader

_tokens = itertools.count(1)


def _token() -> str:
    return f"desktoken{next(_tokens)}x"


def _status(live: LiveServer, comment_id: int) -> Any:
    from sqlalchemy import select

    from rejoinder.comments.models import comments

    async def read() -> Any:
        async with live.runtime.db.read() as conn:
            return (
                await conn.execute(select(comments.c.status).where(comments.c.id == comment_id))
            ).scalar_one()

    return live.run(read())


def _held(live: LiveServer, token: str, n: int) -> tuple[Reader, list[int]]:
    story = live.story(premoderated=True)
    author = live.reader()
    return author, [live.comment(author, story, f"{token} comment number {i}") for i in range(n)]


def _open(page: Page, live: LiveServer, who: Reader, token: str, lang: str = "en") -> None:
    page.goto(f"/admin?lang={lang}#session={who.token}")
    expect(page.locator("#tab-pending")).to_be_visible()
    page.fill("#q", token)
    page.press("#q", "Enter")


def _choose(page: Page, queue: str) -> None:
    """Open a queue's tab and wait until its list has loaded (not the list cleared for it)."""
    page.locator(f"#tab-{queue}").click()
    expect(page.locator(f"#tab-{queue}")).to_have_attribute("aria-selected", "true")
    expect(page.locator("section.list")).to_have_attribute("aria-busy", "false")


def test_keyboard_moderation(page: Page, live_server: LiveServer) -> None:
    token = _token()
    _, ids = _held(live_server, token, 3)
    admin = live_server.reader(role="admin")
    _open(page, live_server, admin, token)
    cards = page.locator(".card")
    expect(cards).to_have_count(3)
    expect(cards.first).to_have_class("card focused")
    expect(cards.first.locator(".tag.phase")).to_have_text("Story pre-moderation")
    expect(cards.first.locator(".band")).to_have_text("Toxic: unlikely")
    assert axe_violations(page) == []
    page.locator("body").press("j")
    expect(cards.nth(1)).to_have_class("card focused")
    page.locator("body").press("k")
    expect(cards.first).to_have_class("card focused")
    page.locator("body").press("a")
    expect(page.locator(".status")).to_have_text(f"Comment {ids[0]} approved.")
    expect(cards).to_have_count(2)
    page.locator("body").press("r")
    dialog = page.locator("dialog.modal")
    expect(dialog).to_be_visible()
    dialog.locator("#reject-reason").select_option("spam")
    dialog.locator("#reject-confirm").click()
    expect(page.locator(".status")).to_have_text(f"Comment {ids[1]} rejected.")
    expect(cards).to_have_count(1)
    assert _status(live_server, ids[0]) == "published"
    assert _status(live_server, ids[1]) == "rejected"
    page.locator("#tab-rejected").click()
    expect(page.locator(".card .reason")).to_have_text("Spam")
    # b: sanction the author from the card, on this site, rejecting what they wrote.
    page.locator("#tab-pending").click()
    expect(cards).to_have_count(1)
    page.locator("body").press("b")
    expect(dialog).to_be_visible()
    dialog.locator("#sanction-kind").select_option("ban")
    dialog.locator("#sanction-reject-all").check()
    dialog.locator("#sanction-confirm").click()
    expect(page.locator(".status")).to_contain_text("sanctioned")
    _choose(page, "pending")
    expect(cards).to_have_count(0)
    assert _status(live_server, ids[2]) == "rejected"
    assert _status(live_server, ids[0]) == "rejected"
    # The author's record, from the card: all three of their comments are rejected now.
    _choose(page, "rejected")
    expect(cards).to_have_count(3)
    cards.first.locator("button.author").click()
    expect(page.locator(".side")).to_contain_text("Ban · demo")
    expect(page.locator(".side")).to_contain_text("3 rejected")
    page.locator(".side button.lift").click()
    expect(page.locator(".status")).to_have_text("Sanction lifted.")
    expect(page.locator(".side li.muted")).to_contain_text("Ban · demo")
    expect(page.locator(".side button.lift")).to_have_count(0)


def test_bulk_selection_at_tablet_width(page: Page, live_server: LiveServer) -> None:
    token = _token()
    _, ids = _held(live_server, token, 4)
    page.set_viewport_size({"width": 820, "height": 1180})
    _open(page, live_server, live_server.reader(role="admin"), token)
    cards = page.locator(".card")
    expect(cards).to_have_count(4)
    width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert width[0] <= width[1], width  # nothing runs off a tablet screen
    page.locator("body").press("x")
    page.locator("body").press("j")
    page.locator("body").press("x")
    page.locator("#bulk-approve").click()
    expect(page.locator(".status")).to_have_text("2 comments changed.")
    expect(cards).to_have_count(2)
    page.get_by_label("Select all").check()
    page.locator("#bulk-reject").click()
    page.locator("dialog.modal #reject-confirm").click()
    expect(cards).to_have_count(0)
    assert [_status(live_server, i) for i in ids] == ["published"] * 2 + ["rejected"] * 2


def test_japanese_desk_and_help(page: Page, live_server: LiveServer) -> None:
    token = _token()
    _held(live_server, token, 1)
    _open(page, live_server, live_server.reader(role="admin"), token, lang="ja")
    expect(page.locator("#tab-pending")).to_contain_text("承認待ち")
    expect(page.locator(".card .act-approve")).to_have_text("承認")
    page.locator("body").press("?")
    expect(page.locator("dialog.modal h2")).to_have_text("キーボードショートカット")
    page.keyboard.press("Escape")
    expect(page.locator("dialog.modal")).to_have_count(0)


def test_readers_cannot_use_the_desk(page: Page, live_server: LiveServer) -> None:
    reader = live_server.reader()
    page.goto(f"/admin#session={reader.token}")
    expect(page.locator(".sign-in .status")).to_have_text("This account is not a moderator.")
    expect(page.locator("#tab-pending")).to_have_count(0)


def test_filter_to_one_story(page: Page, live_server: LiveServer) -> None:
    token = _token()
    _held(live_server, token, 2)
    _held(live_server, token, 1)
    _open(page, live_server, live_server.reader(role="admin"), token)
    cards = page.locator(".card")
    expect(cards).to_have_count(3)
    cards.nth(2).locator(".only-story").click()
    expect(cards).to_have_count(1)
    expect(page.locator(".story-filter")).to_contain_text("Story: ")
    page.locator("#clear-story").click()
    expect(cards).to_have_count(3)


def test_a_publisher_links_staff_in_with_a_signed_sso_token(
    page: Page, live_server: LiveServer
) -> None:
    """``/admin#sso=<jwt>``: the token is exchanged once for a session and leaves the address;
    a refused one leaves the sign-in form saying why."""
    moderator = live_server.reader(role="admin", display_name="Hana Sato")
    page.goto(f"/admin?lang=en#sso={live_server.sso_token(moderator.external_id)}")
    expect(page.locator("#tab-pending")).to_be_visible()
    assert "sso=" not in page.url

    other = page.context.new_page()
    other.goto("/admin?lang=en#sso=not-a-token")
    expect(other.locator(".sign-in .status")).not_to_be_empty()
    expect(other.locator("#tab-pending")).to_have_count(0)
