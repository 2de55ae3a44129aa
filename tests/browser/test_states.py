"""Every state of the comment box (PRODUCT.md §2), with its exact message and link."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page, expect

from browser.support import LiveServer, open_story, widget_ready

W = "rejoinder-comments"


def test_not_signed_in_sees_comments_and_a_sign_in_prompt(
    page: Page, live_server: LiveServer
) -> None:
    story = live_server.story()
    author = live_server.reader()
    live_server.comment(author, story, "A *first* comment.")
    open_story(page, live_server, story)
    expect(page.locator(f"{W} .rj-gate-signin h3")).to_have_text("Join the conversation")
    expect(page.locator(f"{W} .rj-gate-signin")).to_contain_text("Sign in or subscribe to comment")
    expect(page.locator(f"{W} .rj-comment .rj-body em")).to_have_text("first")
    expect(page.locator(f"{W} .rj-title")).to_have_text("1 comment")
    expect(page.locator(f"{W} .rj-composer")).to_have_count(0)
    expect(page.locator(f"{W} .rj-comment button", has_text="Reply")).to_have_count(0)


def test_a_plan_without_commenting_is_named_with_an_upgrade_link(
    page: Page, live_server: LiveServer
) -> None:
    story = live_server.story()
    open_story(page, live_server, story, reader=live_server.reader(plan="free"))
    gate = page.locator(f"{W} .rj-gate-plan")
    expect(gate).to_contain_text(
        "Your plan “Free” lets you read comments. Commenting needs a plan that includes it."
    )
    expect(gate.get_by_role("link", name="Upgrade your plan")).to_have_attribute(
        "href", f"{live_server.base_url}/demo/subscribe"
    )


def test_no_display_name_links_to_the_profile_section_with_a_return_address(
    page: Page, live_server: LiveServer
) -> None:
    story = live_server.story()
    open_story(page, live_server, story, reader=live_server.reader(display_name=None))
    gate = page.locator(f"{W} .rj-gate-name")
    expect(gate).to_contain_text(
        "Your plan lets you comment. First create a display name in the Profile section of "
        "your account page."
    )
    href = gate.get_by_role("link", name="Profile section").get_attribute("href") or ""
    parts = urlsplit(href)
    assert (
        f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{live_server.base_url}/account/profile"
    )
    assert parse_qs(parts.query)["return"] == [live_server.story_url(story)]


def test_a_display_name_is_created_inline_with_the_policy_reasons(
    page: Page, live_server: LiveServer
) -> None:
    story = live_server.story()
    live_server.reader(display_name="Taken Name")
    open_story(page, live_server, story, reader=live_server.reader(display_name=None))
    name = page.locator(f"{W} .rj-gate-name input[name=display_name]")
    feedback = page.locator(f"{W} .rj-gate-name .rj-feedback")
    name.fill("Moderator")
    expect(feedback).to_contain_text("reserved for the newsroom")
    expect(name).to_have_attribute("aria-invalid", "true")
    name.fill("Taken Name")
    expect(feedback).to_contain_text("already taken")
    name.fill("Tаken Name")  # Cyrillic а: mixed scripts
    expect(feedback).to_contain_text("one alphabet")
    name.fill("Fresh Reader")
    expect(feedback).to_have_text("“Fresh Reader” is available.")
    name.fill("Taken Name")
    page.locator(f"{W} .rj-gate-name button[type=submit]").click()
    expect(feedback).to_contain_text("already taken")
    name.fill("Fresh Reader")
    page.locator(f"{W} .rj-gate-name button[type=submit]").click()
    composer = page.locator(f"{W} .rj-composer-new textarea")
    expect(composer).to_be_focused()
    # The form is gone: the comment box that took its place says what was saved, visibly.
    expect(page.locator(f"{W} .rj-composer-new .rj-notice")).to_have_text(
        "Your display name is now “Fresh Reader”."
    )
    expect(page.locator(f"{W} .rj-account")).to_contain_text("Signed in as Fresh Reader.")


def test_suspended_and_banned_readers_see_why_and_until_when(
    page: Page, live_server: LiveServer
) -> None:
    story = live_server.story()
    until = datetime(2031, 3, 4, 12, 0, tzinfo=UTC)
    suspended = live_server.reader(status="suspended", status_until=until)
    open_story(page, live_server, story, reader=suspended)
    gate = page.locator(f"{W} .rj-gate-status")
    expect(gate).to_contain_text("Your account is suspended from commenting until")
    expect(gate).to_contain_text("2031")
    expect(gate).to_contain_text("UTC")  # the browser's time zone here: an end says its zone
    expect(page.locator(f"{W} .rj-composer")).to_have_count(0)

    other = page.context.new_page()
    open_story(other, live_server, story, reader=live_server.reader(status="banned"))
    expect(other.locator(f"{W} .rj-gate-status")).to_contain_text(
        "Your account is banned from commenting."
    )


def test_a_closed_story_says_comments_are_closed(page: Page, live_server: LiveServer) -> None:
    story = live_server.story(status="closed")
    open_story(page, live_server, story, reader=live_server.reader())
    expect(page.locator(f"{W} .rj-gate-closed")).to_have_text("Comments are closed on this story.")
    expect(page.locator(f"{W} .rj-composer")).to_have_count(0)


def test_sso_login_and_a_token_getter_show_the_composer(
    page: Page, live_server: LiveServer
) -> None:
    story = live_server.story()
    open_story(page, live_server, story)
    token = live_server.sso_token("sso-browser-reader", "premium")
    page.evaluate("token => Rejoinder.login(token)", token)
    expect(page.locator(f"{W} .rj-gate-name")).to_be_visible()  # a new subscriber: no name yet

    # A publisher page with a token getter signs the reader in without any click.
    getter = page.context.new_page()
    second = live_server.sso_token("sso-browser-reader-2", "premium")
    script = (
        f"<script>Rejoinder.push(['configure', {{getToken: async () => '{second}'}}]);</script>"
    )
    open_story(getter, live_server, story, extra=script)
    expect(getter.locator(f"{W} .rj-gate-name")).to_be_visible()


def test_publisher_login_and_subscribe_links(page: Page, live_server: LiveServer) -> None:
    story = live_server.story()
    options = (
        "<script>Rejoinder.push(['configure', {loginUrl: '/publisher/login', "
        "subscribeUrl: '/publisher/subscribe'}]);</script>"
    )
    open_story(page, live_server, story, extra=options)
    gate = page.locator(f"{W} .rj-gate-signin")
    expect(gate.get_by_role("link", name="Sign in")).to_have_attribute("href", "/publisher/login")
    expect(gate.get_by_role("link", name="Subscribe")).to_have_attribute(
        "href", "/publisher/subscribe"
    )
    expect(gate.locator("form")).to_have_count(0)


def test_local_accounts_register_inline(page: Page, live_server: LiveServer) -> None:
    story = live_server.story()
    open_story(page, live_server, story)
    gate = page.locator(f"{W} .rj-gate-signin")
    gate.get_by_label("E-mail").fill("new.reader@example.org")
    gate.get_by_label("Password").fill("short")
    gate.get_by_role("button", name="Create an account").click()
    expect(gate.locator(".rj-error")).to_contain_text("password")
    gate.get_by_label("Password").fill("a long enough passphrase")
    gate.get_by_role("button", name="Create an account").click()
    # New local accounts get the default plan: Free, which lets them read.
    expect(page.locator(f"{W} .rj-gate-plan")).to_contain_text("Your plan “Free”")
    page.reload()
    widget_ready(page)
    expect(page.locator(f"{W} .rj-gate-plan")).to_be_visible()


def test_plan_names_and_badges_read_in_the_page_language(
    page: Page, live_server: LiveServer
) -> None:
    """The site's own words (settings ``plans.names`` / ``plans.badges``): a Japanese page
    shows プレミアム and 無料, an English one Premium and Free."""
    story = live_server.story(lang="ja")
    premium = live_server.reader(plan="premium", display_name="Kenji Mori")
    live_server.comment(premium, story, "橋の再開が楽しみです。")
    open_story(page, live_server, story, reader=live_server.reader(plan="free"), lang="ja")
    expect(page.locator(f"{W} .rj-comments .rj-badge").first).to_have_text("プレミアム")
    expect(page.locator(f"{W} .rj-gate-plan")).to_contain_text("無料")

    english = page.context.new_page()
    open_story(english, live_server, live_server.story(), reader=live_server.reader(plan="free"))
    expect(english.locator(f"{W} .rj-gate-plan")).to_contain_text("Free")
