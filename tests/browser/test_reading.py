"""Reading: sorting, load more, replies, permalinks, badges, times, the author's pending comment."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from browser.support import LiveServer, open_story

W = "rejoinder-comments"


def test_sort_and_load_more(page: Page, live_server: LiveServer) -> None:
    story = live_server.story()
    author = live_server.reader()
    fans = [live_server.reader() for _ in range(2)]
    ids = [live_server.comment(author, story, f"Comment number {n}") for n in range(22)]
    for fan in fans:
        live_server.react(fan, ids[3])
    live_server.react(fans[0], ids[5])
    open_story(page, live_server, story)
    comments = page.locator(f"{W} .rj-comments > li > .rj-comment")
    expect(comments).to_have_count(20)
    expect(comments.first.locator(".rj-body")).to_have_text("Comment number 21")
    page.locator(f"{W} .rj-more").get_by_role("button", name="Load more comments").click()
    expect(comments).to_have_count(22)
    expect(comments.nth(20)).to_be_focused()
    expect(page.locator(f"{W} .rj-more button")).to_have_count(0)

    page.locator(f"{W} #rj-sort").select_option("oldest")
    expect(comments.first.locator(".rj-body")).to_have_text("Comment number 0")
    page.locator(f"{W} #rj-sort").select_option("reactions")
    expect(comments.first.locator(".rj-body")).to_have_text("Comment number 3")
    expect(comments.nth(1).locator(".rj-body")).to_have_text("Comment number 5")
    expect(comments.first.locator(".rj-count")).to_have_text("Like · 2")


def test_expand_replies_badges_and_times(page: Page, live_server: LiveServer) -> None:
    story = live_server.story()
    root = live_server.comment(
        live_server.reader(plan="premium", display_name="Paying Reader"), story, "Root"
    )
    staff = live_server.reader(role="moderator", display_name="Robbie R")
    for n in range(5):
        live_server.comment(staff, story, f"Reply {n}", root)
    open_story(page, live_server, story)
    item = page.locator(f"{W} #comment-{root}")
    expect(item.locator(".rj-badge")).to_have_text("Premium")
    time = item.locator("time")
    expect(time).to_have_text("now")
    assert "20" in (time.get_attribute("title") or "")  # the absolute date, e.g. 29 November 2026
    replies = page.locator(f"{W} .rj-comments > li").first.locator(".rj-replies > li")
    expect(replies).to_have_count(3)
    expect(replies.first.locator(".rj-badge").first).to_have_text("Staff")
    page.get_by_role("button", name="Show 2 more replies").click()
    expect(replies).to_have_count(5)
    expect(page.get_by_role("button", name="more repl")).to_have_count(0)


def test_a_reply_past_the_third_level_says_whom_it_answers(
    page: Page, live_server: LiveServer
) -> None:
    """Replies are indented three levels deep, then flattened: from the fourth level on, a
    reply says whom it answers, since its indent no longer does."""
    story = live_server.story()
    names = ["Ada Lovell", "Ben Okafor", "Cy Tanaka", "Di Moreau", "Ed Novak"]
    ids: list[int] = []
    for level, name in enumerate(names):
        parent = ids[-1] if ids else None
        ids.append(
            live_server.comment(live_server.reader(display_name=name), story, f"L{level}", parent)
        )
    open_story(page, live_server, story)
    for level in (2, 3, 4):  # the first page shows two levels; each deeper one is a click away
        more = page.locator(f"{W} li.rj-item:has(> #comment-{ids[level - 1]}) > .rj-more-replies")
        more.get_by_role("button", name="Show 1 more reply").click()
        expect(page.locator(f"{W} #comment-{ids[level]}")).to_be_visible()
    for level in range(4):
        expect(page.locator(f"{W} #comment-{ids[level]} .rj-reply-to")).to_have_count(0)
    deepest = page.locator(f"{W} #comment-{ids[4]} .rj-reply-to")
    expect(deepest).to_have_text("in reply to Di Moreau")


def test_a_permalink_is_highlighted_even_beyond_the_first_page(
    page: Page, live_server: LiveServer
) -> None:
    story = live_server.story()
    author = live_server.reader()
    target = live_server.comment(author, story, "The linked comment")
    for n in range(21):
        live_server.comment(author, story, f"Later comment {n}")
    open_story(page, live_server, story, fragment=f"#comment-{target}")
    linked = page.locator(f"{W} .rj-linked #comment-{target}")
    expect(linked).to_have_class("rj-comment rj-highlight")
    expect(linked).to_be_focused()
    expect(page.locator(f"{W} .rj-linked")).to_contain_text("The comment you followed a link to")


def test_my_pending_comment_is_marked_awaiting_moderation(
    page: Page, live_server: LiveServer
) -> None:
    story = live_server.story(premoderated=True)
    me = live_server.reader()
    open_story(page, live_server, story, reader=me)
    page.locator(f"{W} .rj-composer-new textarea").fill("Please approve me.")
    page.locator(f"{W} .rj-composer-new button[type=submit]").click()
    expect(page.locator(f"{W} [role=status]")).to_have_text(
        "Your comment was received and is awaiting moderation."
    )
    page.reload()
    mine = page.locator(f"{W} .rj-comment.rj-pending")
    expect(mine.locator(".rj-marker")).to_contain_text("Awaiting moderation")
    other = page.context.browser.new_context(base_url=live_server.base_url)  # type: ignore[union-attr]
    try:
        anonymous = other.new_page()
        open_story(anonymous, live_server, story)
        expect(anonymous.locator(f"{W} .rj-empty")).to_have_text("No comments yet.")
    finally:
        other.close()
