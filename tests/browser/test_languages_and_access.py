"""Japanese, a keyboard-only path, and axe-core on every state (no serious or critical issue)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from browser.support import LiveServer, axe_violations, open_story

W = "rejoinder-comments"


def test_japanese_from_the_page_language(page: Page, live_server: LiveServer) -> None:
    story = live_server.story(lang="ja")
    live_server.comment(live_server.reader(display_name="鈴木一郎"), story, "今年も行きます。")
    open_story(page, live_server, story, lang="ja")
    expect(page.locator(f"{W} .rj-title")).to_have_text("コメント 1件")
    expect(page.locator(f"{W} .rj-gate-signin h3")).to_have_text("会話に参加しましょう")
    expect(page.locator(f"{W} label[for=rj-sort]")).to_have_text("並べ替え")
    expect(page.locator(f"{W} #rj-sort option").first).to_have_text("新しい順")
    expect(page.locator(f"{W} .rj-comment time")).to_have_text("今")
    assert "年" in (page.locator(f"{W} .rj-comment time").get_attribute("title") or "")
    expect(page.locator(f"{W} section.rj")).to_have_attribute("lang", "ja")


def test_switching_the_language_of_the_element(page: Page, live_server: LiveServer) -> None:
    story = live_server.story()
    open_story(page, live_server, story, reader=live_server.reader(display_name=None))
    expect(page.locator(f"{W} .rj-gate-name h3")).to_have_text("Create your display name")
    page.locator(W).evaluate("element => element.setAttribute('lang', 'ja')")
    expect(page.locator(f"{W} .rj-gate-name h3")).to_have_text("表示名を作成してください")
    expect(page.locator(f"{W} .rj-title")).to_have_text("コメント 0件")
    page.locator(W).evaluate("element => element.setAttribute('lang', 'en')")
    expect(page.locator(f"{W} .rj-title")).to_have_text("0 comments")


def test_japanese_states_and_errors(page: Page, live_server: LiveServer) -> None:
    story = live_server.story(lang="ja")
    open_story(page, live_server, story, lang="ja", reader=live_server.reader(plan="free"))
    expect(page.locator(f"{W} .rj-gate-plan")).to_contain_text(
        "ご利用中のプラン「無料」ではコメントを読むことができます。"
    )
    other = page.context.new_page()
    open_story(other, live_server, story, lang="ja", reader=live_server.reader(display_name=None))
    name = other.locator(f"{W} .rj-gate-name input")
    name.fill("Admin")
    expect(other.locator(f"{W} .rj-gate-name .rj-feedback")).to_contain_text("予約されています")


def test_keyboard_only_post_and_reply(page: Page, live_server: LiveServer) -> None:
    story = live_server.story()
    open_story(page, live_server, story, reader=live_server.reader())
    textarea = page.locator(f"{W} .rj-composer-new textarea")
    for _ in range(30):
        page.keyboard.press("Tab")
        if textarea.evaluate("el => el.getRootNode().activeElement === el"):
            break
    expect(textarea).to_be_focused()
    page.keyboard.type("Typed without a mouse.")
    page.keyboard.press("Tab")
    expect(page.locator(f"{W} .rj-composer-new button[type=submit]")).to_be_focused()
    page.keyboard.press("Enter")
    posted = page.locator(f"{W} .rj-comments > li > .rj-comment").first
    expect(posted).to_be_focused()
    reply = posted.get_by_role("button", name="Reply")
    for _ in range(6):
        page.keyboard.press("Tab")
        if reply.evaluate("el => el.getRootNode().activeElement === el"):
            break
    expect(reply).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(f"{W} .rj-composer-reply textarea")).to_be_focused()
    page.keyboard.type("And a reply.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(f"{W} .rj-replies .rj-comment").first).to_be_focused()
    expect(page.locator(f"{W} .rj-replies .rj-body")).to_have_text("And a reply.")


def test_axe_finds_no_serious_issue_in_any_state(page: Page, live_server: LiveServer) -> None:
    story = live_server.story()
    author = live_server.reader(plan="premium")
    root = live_server.comment(author, story, "A **comment** with [a link](https://example.org).")
    live_server.comment(live_server.reader(), story, "> quoted\n\nand a reply", root)
    states = {
        "anonymous": None,
        "free": live_server.reader(plan="free"),
        "no display name": live_server.reader(display_name=None),
        "suspended": live_server.reader(status="banned"),
        "composer": live_server.reader(),
    }
    for label, reader in states.items():
        tab = page.context.browser.new_context(base_url=live_server.base_url).new_page()  # type: ignore[union-attr]
        try:
            open_story(tab, live_server, story, reader=reader)
            if label == "composer":
                tab.locator(f"{W} #comment-{root}").get_by_role("button", name="Report").click()
            assert axe_violations(tab) == [], label
        finally:
            tab.context.close()
