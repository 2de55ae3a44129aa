"""Writing: post with a preview, reply, edit, delete, react, report; idempotent double submits;
errors in plain words."""

from __future__ import annotations

import json

from playwright.sync_api import Page, Route, expect

from browser.support import LiveServer, open_story

W = "rejoinder-comments"


def test_post_with_a_markdown_preview(page: Page, live_server: LiveServer) -> None:
    story = live_server.story()
    open_story(page, live_server, story, reader=live_server.reader(display_name="Poster One"))
    composer = page.locator(f"{W} .rj-composer-new")
    composer.locator("textarea").fill("Hello **world**, see [this](https://example.org).")
    composer.get_by_role("button", name="Preview").click()
    expect(composer.locator(".rj-preview strong")).to_have_text("world")
    expect(composer.locator(".rj-preview a")).to_have_attribute("rel", "nofollow ugc noopener")
    composer.get_by_role("button", name="Back to writing").click()
    composer.get_by_role("button", name="Post comment").click()
    posted = page.locator(f"{W} .rj-comments > li").first.locator(".rj-comment")
    expect(posted.locator(".rj-author")).to_have_text("Poster One")
    expect(posted.locator(".rj-body strong")).to_have_text("world")
    expect(posted).to_be_focused()
    expect(page.locator(f"{W} [role=status]")).to_have_text("Your comment was posted.")
    expect(composer.locator("textarea")).to_have_value("")
    expect(page.locator(f"{W} .rj-title")).to_have_text("1 comment")


def test_a_double_click_posts_one_comment(page: Page, live_server: LiveServer) -> None:
    story = live_server.story()
    open_story(page, live_server, story, reader=live_server.reader())
    page.locator(f"{W} .rj-composer-new textarea").fill("Only once, please.")
    page.locator(f"{W} .rj-composer-new button[type=submit]").dblclick()
    expect(page.locator(f"{W} .rj-comment")).to_have_count(1)
    page.wait_for_timeout(300)
    assert live_server.comment_count(story) == 1


def test_a_retry_after_a_lost_response_reuses_the_idempotency_key(
    page: Page, live_server: LiveServer
) -> None:
    story = live_server.story()
    open_story(page, live_server, story, reader=live_server.reader())
    keys: list[str] = []

    def lose_first_response(route: Route) -> None:
        keys.append(route.request.headers["idempotency-key"])
        response = route.fetch()  # the server accepts the comment...
        if len(keys) == 1:
            route.abort("connectionreset")  # ...but the answer never arrives
        else:
            route.fulfill(response=response)

    page.route(f"**/stories/{story}/comments", lose_first_response)
    page.locator(f"{W} .rj-composer-new textarea").fill("Sent on a bad train connection.")
    submit = page.locator(f"{W} .rj-composer-new button[type=submit]")
    submit.click()
    expect(page.locator(f"{W} .rj-composer-new .rj-error")).to_contain_text(
        "could not reach the comment server"
    )
    submit.click()
    expect(page.locator(f"{W} .rj-comment")).to_have_count(1)
    assert len(keys) == 2
    assert keys[0] == keys[1]
    assert live_server.comment_count(story) == 1


def test_rate_limit_and_refusals_are_shown_in_plain_words(
    page: Page, live_server: LiveServer
) -> None:
    story = live_server.story()
    open_story(page, live_server, story, reader=live_server.reader())
    problem = {"code": "rate_limited", "detail": "Slow down.", "status": 429, "retry_after": 42}
    page.route(
        f"**/stories/{story}/comments",
        lambda route: (
            route.fulfill(
                status=429,
                content_type="application/problem+json",
                headers={"Retry-After": "42"},
                body=json.dumps(problem),
            )
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    page.locator(f"{W} .rj-composer-new textarea").fill("Too fast")
    page.locator(f"{W} .rj-composer-new button[type=submit]").click()
    error = page.locator(f"{W} .rj-composer-new .rj-error")
    expect(error).to_have_text("You are posting too quickly. Please wait 42 seconds and try again.")
    expect(page.locator(f"{W} [role=alert].rj-sr")).to_have_text(error.inner_text())
    page.unroute(f"**/stories/{story}/comments")
    page.locator(f"{W} .rj-composer-new textarea").fill("   ")
    page.locator(f"{W} .rj-composer-new button[type=submit]").click()
    expect(error).to_have_text("Write something before posting.")


def test_reply_edit_and_delete_own_comments(page: Page, live_server: LiveServer) -> None:
    story = live_server.story()
    me = live_server.reader(display_name="Replying Reader")
    other = live_server.reader()
    parent = live_server.comment(other, story, "What do you think?")
    open_story(page, live_server, story, reader=me)

    thread = page.locator(f"#comment-{parent}").locator("xpath=..")
    page.locator(f"{W} #comment-{parent}").get_by_role("button", name="Reply").click()
    reply_box = page.locator(f"{W} .rj-composer-reply textarea")
    expect(reply_box).to_be_focused()
    reply_box.fill("I think it is *fine*.")
    page.locator(f"{W} .rj-composer-reply").get_by_role("button", name="Post reply").click()
    reply = thread.locator(".rj-replies .rj-comment").first
    expect(reply.locator(".rj-body em")).to_have_text("fine")
    expect(reply).to_be_focused()

    edit = reply.get_by_role("button", name="Edit (")
    expect(edit).to_contain_text("minutes left")
    edit.click()
    box = page.locator(f"{W} .rj-composer-edit")
    expect(box).to_contain_text("You can edit for")
    expect(box.locator("textarea")).to_have_value("I think it is *fine*.")
    box.locator("textarea").fill("I think it is great.")
    box.get_by_role("button", name="Save changes").click()
    expect(reply.locator(":scope > .rj-body")).to_have_text("I think it is great.")
    expect(box).to_have_count(0)
    expect(reply.locator(".rj-edited")).to_have_text("(edited)")

    reply.get_by_role("button", name="Delete").click()
    expect(reply.locator(".rj-confirm")).to_contain_text("Delete this comment?")
    reply.get_by_role("button", name="Cancel").click()
    expect(reply.get_by_role("button", name="Delete")).to_be_focused()
    reply.get_by_role("button", name="Delete").click()
    reply.get_by_role("button", name="Yes, delete it").click()
    expect(thread.locator(".rj-replies .rj-comment")).to_have_count(0)
    expect(page.locator(f"{W} [role=status]")).to_have_text("Your comment was deleted.")


def test_deleting_a_comment_with_replies_leaves_a_tombstone(
    page: Page, live_server: LiveServer
) -> None:
    story = live_server.story()
    me = live_server.reader()
    mine = live_server.comment(me, story, "I will regret this.")
    live_server.comment(live_server.reader(display_name="Answering Reader"), story, "Indeed.", mine)
    open_story(page, live_server, story, reader=me)
    comment = page.locator(f"{W} #comment-{mine}")
    comment.get_by_role("button", name="Delete").click()
    comment.get_by_role("button", name="Yes, delete it").click()
    expect(comment.locator(".rj-tombstone")).to_have_text("This comment was deleted.")
    page.reload()
    expect(page.locator(f"{W} #comment-{mine} .rj-tombstone")).to_be_visible()
    expect(page.locator(f"{W} .rj-replies .rj-author")).to_have_text("Answering Reader")


def test_react_and_report(page: Page, live_server: LiveServer) -> None:
    story = live_server.story()
    comment = live_server.comment(live_server.reader(), story, "React to me.")
    open_story(page, live_server, story, reader=live_server.reader())
    item = page.locator(f"{W} #comment-{comment}")
    like = item.locator(".rj-react")
    expect(like).to_have_text("Like")
    like.click()
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(like).to_have_text("Like · 1")
    page.reload()
    expect(page.locator(f"{W} #comment-{comment} .rj-react")).to_have_attribute(
        "aria-pressed", "true"
    )
    item.locator(".rj-react").click()
    expect(item.locator(".rj-react")).to_have_text("Like")

    item.get_by_role("button", name="Report").click()
    expect(item.locator(".rj-report")).to_have_count(1)  # the form is open before Escape
    page.keyboard.press("Escape")  # closes the form, focus back on its button
    expect(item.locator(".rj-report")).to_have_count(0)
    expect(item.get_by_role("button", name="Report")).to_be_focused()
    item.get_by_role("button", name="Report").click()
    form = item.locator(".rj-report")
    form.get_by_label("Harassment of another reader").check()
    form.get_by_label("Anything the moderators should know?").fill("Targets a reader.")
    form.get_by_role("button", name="Send report").click()
    expect(page.locator(f"{W} [role=status]")).to_have_text(
        "Thank you; the moderators will look at this comment."
    )
    expect(item.locator(".rj-report")).to_have_count(0)
    # Sighted readers see it too (issue 13), and the button says it was done.
    expect(item.locator(".rj-done")).to_have_text(
        "Thank you; the moderators will look at this comment."
    )
    expect(item.locator(".rj-done")).to_be_focused()
    expect(item.get_by_role("button", name="Reported")).to_be_disabled()
