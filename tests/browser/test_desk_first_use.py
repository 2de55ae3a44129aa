"""The desk after the first-use review: its top bar fits a phone (no sideways scrolling, every
queue tab in sight and reachable by keyboard) and a laptop ("Sign out" on the first line), the
sign-in form tells SSO staff where they get in, and a reader's history reads in words, not
audit codes."""

from __future__ import annotations

import itertools

import pytest
from playwright.sync_api import Page, expect

from browser.support import LiveServer, axe_violations
from factories import Reader

_tokens = itertools.count(1)


def _token() -> str:
    return f"firstusetoken{next(_tokens)}x"


def _open(page: Page, who: Reader, token: str, lang: str = "en") -> None:
    page.goto(f"/admin?lang={lang}#session={who.token}")
    expect(page.locator("#tab-takedowns")).to_be_visible()
    page.fill("#q", token)
    page.press("#q", "Enter")


def _overflow(page: Page) -> list[int]:
    width: list[int] = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    return width


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_desk_fits_a_phone(page: Page, live_server: LiveServer, lang: str) -> None:
    token = _token()
    story = live_server.story(premoderated=True)
    live_server.comment(live_server.reader(), story, f"{token} a comment seen on a phone")
    page.set_viewport_size({"width": 390, "height": 844})
    _open(page, live_server.reader(role="admin"), token, lang)
    expect(page.locator(".card")).to_have_count(1)
    scroll_width, inner_width = _overflow(page)
    assert scroll_width <= inner_width, (scroll_width, inner_width)
    # Every tab is on screen (the row wraps), each on one line (as high as any button).
    tabs = page.locator(".tabs .tab")
    expect(tabs).to_have_count(6)
    for box in (tabs.nth(i).bounding_box() for i in range(6)):
        assert box is not None
        assert box["x"] >= 0, box
        assert box["x"] + box["width"] <= inner_width, box
    assert page.evaluate(
        "[...document.querySelectorAll('.tabs .tab')].every((t) => t.scrollWidth <= t.clientWidth"
        " && t.offsetHeight === document.getElementById('sign-out').offsetHeight)"
    )
    # The tabs are in the Tab order: from the first, the keyboard reaches the Takedowns tab.
    page.locator("#tab-pending").focus()
    for _ in range(5):
        page.keyboard.press("Tab")
    expect(page.locator("#tab-takedowns")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#tab-takedowns")).to_have_attribute("aria-selected", "true")
    scroll_width, inner_width = _overflow(page)
    assert scroll_width <= inner_width, (scroll_width, inner_width)
    assert axe_violations(page) == []


def test_sign_out_stays_on_the_first_line_at_laptop_width(
    page: Page, live_server: LiveServer
) -> None:
    page.set_viewport_size({"width": 1400, "height": 900})
    _open(page, live_server.reader(role="admin"), _token())
    sign_out = page.locator("#sign-out")
    expect(sign_out).to_have_text("Sign out")
    assert sign_out.evaluate("(b) => b.getClientRects().length") == 1
    out, title = sign_out.bounding_box(), page.locator(".top h1").bounding_box()
    assert out is not None
    assert title is not None
    # On the title's line: their vertical middles agree (a wrapped button sits a row lower).
    assert abs((out["y"] + out["height"] / 2) - (title["y"] + title["height"] / 2)) < 4, (
        out,
        title,
    )
    assert out["x"] + out["width"] <= 1400
    assert _overflow(page)[0] <= 1400


@pytest.mark.parametrize(
    ("lang", "hint"),
    [("en", "moderation link on that site"), ("ja", "モデレーション用リンク")],
)
def test_sign_in_tells_sso_staff_where_to_get_in(page: Page, lang: str, hint: str) -> None:
    page.goto(f"/admin?lang={lang}")
    expect(page.locator(".sign-in #sso-hint")).to_contain_text(hint)
    expect(page.locator(".sign-in input[type=password]")).to_be_visible()


def test_the_readers_history_reads_in_words(page: Page, live_server: LiveServer) -> None:
    token = _token()
    story = live_server.story(premoderated=True)
    author = live_server.reader()
    live_server.comment(author, story, f"{token} a comment held for its story")
    _open(page, live_server.reader(role="admin"), token)
    page.locator(".card button.author").click()
    history = page.locator(".side li[data-action]")
    expect(history.first).to_contain_text("Held by the checks · automatic checks")
    page.locator("body").press("b")
    dialog = page.locator("dialog.modal")
    dialog.locator("#sanction-kind").select_option("suspend")
    dialog.locator("button.preset[data-days='1']").click()
    dialog.locator("#sanction-confirm").click()
    expect(dialog).to_have_count(0)
    expect(history.first).to_contain_text("Suspended")
    page.locator(".side button.lift").click()
    expect(page.locator(".status")).to_have_text("Sanction lifted.")
    expect(history.first).to_contain_text("Suspension lifted")
    texts = history.all_inner_texts()
    assert len(texts) == 3, texts
    assert not any(code in text for text in texts for code in ("pipeline.", "reader.")), texts
    page.goto(f"/admin?lang=ja#session={live_server.reader(role='admin').token}")
    page.fill("#q", token)
    page.press("#q", "Enter")
    page.locator(".card button.author").click()
    expect(history.first).to_contain_text("一時停止を解除")
    expect(history.last).to_contain_text("自動チェックで保留 · 自動チェック")
