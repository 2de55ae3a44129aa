"""What a new reader stumbled on (issue 13), each seen again in Chromium."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from browser.support import LiveServer, open_story, sign_in, widget_ready
from factories import viewer
from rejoinder.profiles.service import update_profile

W = "rejoinder-comments"


def test_the_cooldown_is_said_before_saving_and_a_new_name_can_be_corrected_once(
    page: Page, live_server: LiveServer
) -> None:
    story = live_server.story()
    reader = live_server.reader(display_name=None)
    open_story(page, live_server, story, reader=reader)
    gate = page.locator(f"{W} .rj-gate-name")
    expect(gate.locator(".rj-hint").last).to_contain_text(
        "a display name can be changed once every 14 days"
    )
    gate.locator("input[name=display_name]").fill("Peter Prker")
    gate.locator("button[type=submit]").click()
    expect(page.locator(f"{W} .rj-composer-new textarea")).to_be_focused()

    page.goto("/account/profile")
    expect(page.locator("#name-slot .notice")).to_contain_text(
        "You can still correct your new display name once"
    )
    name = page.get_by_label("Display name")
    expect(name).to_be_enabled()
    name.fill("Peter Parker")
    expect(page.locator(".rj-feedback")).to_have_text("“Peter Parker” is available.")
    page.get_by_role("button", name="Change display name").click()
    expect(page.locator(".rj-feedback")).to_contain_text("Peter Parker")

    page.reload()
    expect(page.locator("#name-slot .muted")).to_contain_text("you can change it again on")
    expect(page.get_by_label("Display name")).to_be_disabled()
    expect(page.get_by_role("button", name="Change display name")).to_be_disabled()


def test_reporting_is_confirmed_on_screen_and_needs_a_reason(
    page: Page, live_server: LiveServer
) -> None:
    story = live_server.story()
    comment = live_server.comment(live_server.reader(), story, "Report me.")
    open_story(page, live_server, story, reader=live_server.reader())
    item = page.locator(f"{W} #comment-{comment}")
    item.get_by_role("button", name="Report").click()
    form = item.locator(".rj-report")
    expect(form.locator("input[type=radio]:checked")).to_have_count(0)  # no preselected reason
    form.get_by_role("button", name="Send report").click()
    expect(form.locator(".rj-error")).to_have_text("Choose a reason first.")
    form.get_by_label("Off topic").check()
    form.get_by_role("button", name="Send report").click()
    expect(item.locator(".rj-done")).to_be_visible()
    expect(item.get_by_role("button", name="Reported")).to_be_disabled()


def test_signed_out_box_links_to_subscribe_and_explains_its_fields(
    page: Page, live_server: LiveServer
) -> None:
    story = live_server.story()
    open_story(page, live_server, story)
    gate = page.locator(f"{W} .rj-gate-signin")
    expect(gate.get_by_role("link", name="Subscribe")).to_have_attribute(
        "href", f"{live_server.base_url}/demo/subscribe"
    )
    expect(gate).to_contain_text("makes a free account that can read the comments")
    gate.get_by_role("button", name="Sign in").click()
    expect(gate.locator(".rj-field-error").first).to_have_text("Enter your e-mail address.")
    expect(gate.locator(".rj-field-error").last).to_have_text("Enter your password.")
    expect(gate.get_by_label("E-mail")).to_be_focused()
    expect(gate.get_by_label("E-mail")).to_have_attribute("aria-invalid", "true")
    expect(gate).not_to_contain_text("expected shape")
    gate.get_by_label("E-mail").fill("not-an-address")
    gate.get_by_label("Password").fill("secret words")
    gate.get_by_role("button", name="Sign in").click()
    expect(gate.locator(".rj-field-error").first).to_contain_text("name@example.com")
    expect(gate.locator(".rj-field-error").last).to_have_text("")


def test_preview_replaces_the_textarea(page: Page, live_server: LiveServer) -> None:
    story = live_server.story()
    open_story(page, live_server, story, reader=live_server.reader())
    composer = page.locator(f"{W} .rj-composer-new")
    composer.locator("textarea").fill("Some **bold** words.")
    composer.get_by_role("button", name="Preview").click()
    expect(composer.locator(".rj-preview strong")).to_be_visible()
    expect(composer.locator("textarea")).to_be_hidden()
    composer.get_by_role("button", name="Back to writing").click()
    expect(composer.locator("textarea")).to_be_visible()


def test_profile_round_trip_from_a_japanese_article(page: Page, live_server: LiveServer) -> None:
    story = live_server.story(lang="ja")
    open_story(page, live_server, story, reader=live_server.reader(display_name=None), lang="ja")
    page.locator(f"{W} .rj-gate-name .rj-profile-link").click()
    page.wait_for_url("**/account/profile?*")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator(".brand")).to_have_text("The Daily Bugle")
    expect(page.locator("input[name=display_name]")).to_be_focused()
    assert page.evaluate("window.scrollY") == 0  # "Your account" and the way back stay in view
    expect(page.locator("p.return a")).to_be_visible()
    page.locator("input[name=display_name]").fill("山田次郎")
    page.locator("#name-slot button[type=submit]").click()
    page.wait_for_url(live_server.story_url(story) + "#comments")
    expect(page.locator(f"{W} .rj-composer-new textarea")).to_be_focused()


def test_no_reply_on_ones_own_held_comment(page: Page, live_server: LiveServer) -> None:
    story = live_server.story(premoderated=True)
    reader = live_server.reader()
    held = live_server.comment(reader, story, "Waiting for a moderator.")
    open_story(page, live_server, story, reader=reader)
    item = page.locator(f"{W} #comment-{held}")
    expect(item.locator(".rj-marker")).to_be_visible()
    expect(item.get_by_role("button", name="Reply")).to_have_count(0)


def test_public_profile_shows_what_is_public_and_leads_back(
    page: Page, live_server: LiveServer
) -> None:
    story = live_server.story()
    author = live_server.reader(display_name="Gwendolyn Stacy", plan="premium")
    live_server.run(_set_bio(live_server, author.account_id, "Reporter at the Bugle."))
    published = live_server.comment(author, story, "A published *opinion*.")
    held_story = live_server.story(premoderated=True)
    live_server.comment(author, held_story, "A held secret.")
    open_story(page, live_server, story, reader=live_server.reader())
    page.locator(f"{W} #comment-{published} .rj-author-link").click()
    page.wait_for_url(f"**/profiles/{author.account_id}?*")
    expect(page.locator("h1")).to_have_text("Gwendolyn Stacy")
    expect(page.locator(".badges")).to_contain_text("Premium")
    expect(page.locator(".bio")).to_have_text("Reporter at the Bugle.")
    expect(page.locator("#recent li")).to_have_count(1)
    expect(page.locator("#recent li em")).to_have_text("opinion")
    expect(page.locator("body")).not_to_contain_text("A held secret.")
    expect(page.locator("body")).not_to_contain_text("@")
    page.get_by_role("link", name="Back to the article").click()
    page.wait_for_url(live_server.story_url(story) + "#comments")


async def _set_bio(live: LiveServer, account_id: int, bio: str) -> None:
    await update_profile(live.runtime, await viewer(live.runtime, account_id), None, bio)


def test_escape_asks_before_discarding_a_reply(page: Page, live_server: LiveServer) -> None:
    story = live_server.story()
    comment = live_server.comment(live_server.reader(), story, "Reply to me.")
    open_story(page, live_server, story, reader=live_server.reader())
    item = page.locator(f"{W} #comment-{comment}")
    item.get_by_role("button", name="Reply").click()
    reply = item.locator(".rj-composer-reply textarea")
    reply.fill("Half a thought")
    page.keyboard.press("Escape")
    question = item.locator(".rj-discard")
    expect(question).to_contain_text("Discard what you have written?")
    page.keyboard.press("Escape")  # a second Escape keeps the text
    expect(question).to_have_count(0)
    expect(reply).to_have_value("Half a thought")
    expect(reply).to_be_focused()
    page.keyboard.press("Escape")
    item.get_by_role("button", name="Discard").click()
    expect(item.locator(".rj-composer-reply")).to_have_count(0)
    expect(item.get_by_role("button", name="Reply")).to_be_focused()
    item.get_by_role("button", name="Reply").click()  # an empty reply closes at once
    page.keyboard.press("Escape")
    expect(item.locator(".rj-composer-reply")).to_have_count(0)


def test_unsent_text_survives_a_reload_until_posted_or_discarded(
    page: Page, live_server: LiveServer
) -> None:
    story = live_server.story()
    comment = live_server.comment(live_server.reader(), story, "Reply to me.")
    open_story(page, live_server, story, reader=live_server.reader())
    box = page.locator(f"{W} .rj-composer-new textarea")
    box.fill("A long thought about the bridge")
    item = page.locator(f"{W} #comment-{comment}")
    item.get_by_role("button", name="Reply").click()
    item.locator(".rj-composer-reply textarea").fill("Half a reply")

    page.reload()
    widget_ready(page)
    expect(box).to_have_value("A long thought about the bridge")
    expect(page.locator(f"{W} .rj-composer-new .rj-restored")).to_contain_text("kept")
    item.get_by_role("button", name="Reply").click()
    expect(item.locator(".rj-composer-reply textarea")).to_have_value("Half a reply")
    item.get_by_role("button", name="Cancel").click()  # closing on purpose forgets it
    page.locator(f"{W} .rj-composer-new").get_by_role("button", name="Post comment").click()
    expect(page.locator(f"{W} .rj-comments")).to_contain_text("A long thought about the bridge")

    page.reload()
    widget_ready(page)
    expect(box).to_have_value("")
    expect(page.locator(f"{W} .rj-restored")).to_have_count(0)
    item.get_by_role("button", name="Reply").click()
    expect(item.locator(".rj-composer-reply textarea")).to_have_value("")


def test_account_page_tells_a_free_reader_where_they_stand(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server, live_server.reader(plan="free", display_name=None))
    page.goto("/account/profile?site=demo")
    notice = page.locator("#name-slot .notice")
    expect(notice).to_contain_text("Your plan “Free” lets you read comments")
    expect(notice.get_by_role("link", name="Upgrade your plan")).to_have_attribute(
        "href", f"{live_server.base_url}/demo/subscribe"
    )
    expect(page.locator(".brand a")).to_have_attribute("href", f"{live_server.base_url}/")
    expect(page.locator("#notifications")).to_contain_text("someone replies to my comment")


def test_the_demo_bar_follows_a_sign_up_in_the_box(page: Page, live_server: LiveServer) -> None:
    page.goto("/articles/bakery-wins-bread-award")
    gate = page.locator(f"{W} .rj-gate-signin")
    gate.get_by_label("E-mail").fill("new.reader@bugle.test")
    gate.get_by_label("Password").fill("a long enough password")
    gate.get_by_role("button", name="Create an account").click()
    expect(page.locator("#demo-status")).to_have_text("Signed in through the comment box")
    expect(page.locator(f"{W} .rj-gate-plan")).to_be_visible()


def test_ctrl_enter_posts_and_a_cut_paste_is_said(page: Page, live_server: LiveServer) -> None:
    story = live_server.story()
    open_story(page, live_server, story, reader=live_server.reader())
    textarea = page.locator(f"{W} .rj-composer-new textarea")
    textarea.focus()
    page.evaluate(
        """() => {
        const area = document.querySelector('rejoinder-comments').shadowRoot
          .querySelector('.rj-composer-new textarea');
        const data = new DataTransfer();
        data.setData('text/plain', 'x'.repeat(5003));
        area.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true}));
        area.value = 'x'.repeat(5000);
        area.dispatchEvent(new Event('input', {bubbles: true}));
    }"""
    )
    expect(page.locator(f"{W} .rj-composer-new .rj-error")).to_have_text(
        "Only 5,000 characters fit: the last 3 were not added."
    )
    textarea.fill("Sent with the keyboard.")
    expect(page.locator(f"{W} .rj-composer-new .rj-error")).to_have_text("")
    page.keyboard.press("Control+Enter")
    expect(page.locator(f"{W} .rj-comment .rj-body")).to_have_text("Sent with the keyboard.")
