"""The desk as a moderator found it: reported comments that are fine can be cleared from their
card (with the reporters' notes on it), the shortcut help lists the keys, the sanction dialog
starts mild and keeps what was typed when the server refuses, the reader then shows as
suspended, and the Japanese desk explains holds in Japanese."""

from __future__ import annotations

import itertools
from typing import Any

from playwright.sync_api import Page, expect

from browser.support import SITE, LiveServer
from factories import Reader

_tokens = itertools.count(1)


def _token() -> str:
    return f"fixtoken{next(_tokens)}x"


def _open(page: Page, who: Reader, token: str, lang: str = "en", queue: str = "pending") -> None:
    page.goto(f"/admin?lang={lang}#session={who.token}")
    expect(page.locator("#tab-pending")).to_be_visible()
    if queue != "pending":
        page.locator(f"#tab-{queue}").click()
    page.fill("#q", token)
    page.press("#q", "Enter")


def _report(live: LiveServer, reporter: Reader, comment_id: int, reason: str, note: str) -> None:
    from browser.support import _viewer
    from rejoinder.comments.feedback import report

    viewer = live.run(_viewer(live.runtime, reporter.account_id))
    live.run(report(live.runtime, viewer, comment_id, reason, note, client="test"))


def _comment_status(live: LiveServer, comment_id: int) -> Any:
    from sqlalchemy import select

    from rejoinder.comments.models import comments

    async def read() -> Any:
        async with live.runtime.db.read() as conn:
            return (
                await conn.execute(select(comments.c.status).where(comments.c.id == comment_id))
            ).scalar_one()

    return live.run(read())


def test_a_reported_comment_shows_the_notes_and_can_be_dismissed(
    page: Page, live_server: LiveServer
) -> None:
    token = _token()
    story = live_server.story()
    author = live_server.reader(plan="digital")
    comment_id = live_server.comment(author, story, f"{token} the bakery opens at eight.")
    _report(
        live_server,
        live_server.reader(plan="digital"),
        comment_id,
        "off_topic",
        "Not about the bakery.",
    )
    _open(page, live_server.reader(role="admin"), token, queue="reported")
    card = page.locator(".card")
    expect(card).to_have_count(1)
    expect(card.locator(".tag.bad")).to_have_text("1 report: Off topic")
    expect(card.locator(".report-notes")).to_have_text("Not about the bakery.")
    expect(card.locator(".act-dismiss")).to_have_text("Approve / dismiss reports")
    page.locator("body").press("a")
    expect(page.locator(".status")).to_have_text(
        f"Reports on comment {comment_id} dismissed: it stays published."
    )
    expect(card).to_have_count(0)
    assert _comment_status(live_server, comment_id) == "published"


def test_the_shortcut_help_lists_the_keys(page: Page, live_server: LiveServer) -> None:
    _open(page, live_server.reader(role="admin"), _token())
    page.locator("body").press("?")
    dialog = page.locator("dialog.modal")
    expect(dialog.locator("dl.keys dt")).to_have_count(10)
    expect(dialog.locator("dl.keys dt").first).to_have_text("j")
    expect(dialog.locator("dl.keys dd").first).to_have_text("Next comment")
    expect(dialog).not_to_contain_text("[object")


def test_the_sanction_dialog_starts_mild_and_keeps_a_refused_form(
    page: Page, live_server: LiveServer
) -> None:
    token = _token()
    story = live_server.story(premoderated=True)
    author = live_server.reader()
    live_server.comment(author, story, f"{token} a comment to sanction")
    _open(page, live_server.reader(role="admin"), token)
    page.locator(".card button.author").click()
    expect(page.locator(".side .reader-status")).to_have_text("Active")
    page.locator("body").press("b")
    dialog = page.locator("dialog.modal")
    expect(dialog.locator("#sanction-kind")).to_have_value("warn")
    dialog.locator("#sanction-kind").select_option("suspend")
    dialog.locator("input[name=reason]").fill("Repeated personal attacks")
    dialog.locator("#sanction-confirm").click()
    # The server refuses a suspension without an end date: the dialog stays, with the text.
    expect(dialog.locator("[role=alert]")).to_contain_text("end date")
    expect(dialog.locator("input[name=reason]")).to_have_value("Repeated personal attacks")
    dialog.locator("button.preset[data-days='7']").click()
    dialog.locator("#sanction-confirm").click()
    expect(dialog).to_have_count(0)
    expect(page.locator(".status")).to_contain_text("sanctioned")
    expect(page.locator(".side .reader-status")).to_contain_text("Suspended")
    expect(page.locator(".side .reader-status")).to_contain_text("Repeated personal attacks")
    expect(page.locator(".side")).to_contain_text(f"Suspend · {SITE} · until")


def test_the_japanese_desk_explains_holds_in_japanese(page: Page, live_server: LiveServer) -> None:
    token = _token()
    story = live_server.story(premoderated=True)
    live_server.comment(live_server.reader(), story, f"{token} 駅前の再開発が楽しみです。")
    _open(page, live_server.reader(role="admin"), token, lang="ja")
    card = page.locator(".card")
    expect(card.locator(".reason")).to_have_text("この記事へのコメントは、確認後に表示されます。")
    expect(card.locator(".findings")).to_contain_text("記事の事前承認")
    expect(card).not_to_contain_text("reviewed before")


def test_a_japanese_page_gives_the_hold_reason_in_japanese(
    page: Page, live_server: LiveServer
) -> None:
    from browser.support import open_story

    story = live_server.story(premoderated=True, lang="ja")
    reader = live_server.reader()
    live_server.comment(reader, story, "駅前の再開発が楽しみです。")
    open_story(page, live_server, story, reader=reader, lang="ja")
    marker = page.locator(".rj-marker")
    expect(marker).to_contain_text("この記事へのコメントは、確認後に表示されます。")
    expect(marker).not_to_contain_text("reviewed before")
