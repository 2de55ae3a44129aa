"""Live updates in Debian's chromium: two pages on one story, the "N new comments" button,
changes applied in place, a server restart resumed by id, the desk's counts, Japanese."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, expect

from browser.support import LiveServer, free_socket, open_story
from factories import Reader, moderate
from factories import viewer as viewer_of
from rejoinder.app import create_app, create_runtime
from rejoinder.comments.editing import delete_comment, edit_comment
from rejoinder.demo.config import demo_settings
from rejoinder.live.hub import hub_of
from rejoinder.settings import Settings
from rejoinder.storage.migrate import upgrade

W = "rejoinder-comments"


@contextmanager
def second_page(browser: Browser, live: LiveServer) -> Iterator[Page]:
    ctx: BrowserContext = browser.new_context(base_url=live.base_url, locale="en-GB")
    ctx.set_default_timeout(10_000)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    ctx.close()
    assert not errors, errors


@pytest.fixture
def other(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    with second_page(browser, live_server) as page:
        yield page


def live_open(page: Page) -> None:
    """The widget's stream is connected (the server has it in its fan-out)."""
    page.locator(f"{W} .rj[data-live=open]").wait_for()


def test_a_comment_from_one_page_waits_behind_the_button_on_the_other(
    page: Page, other: Page, live_server: LiveServer
) -> None:
    story = live_server.story()
    earlier = live_server.comment(live_server.reader(display_name="First Voice"), story, "Hi.")
    open_story(page, live_server, story, reader=live_server.reader(display_name="Live Poster"))
    open_story(other, live_server, story)
    live_open(page)
    live_open(other)
    old = other.locator(f"{W} #comment-{earlier}")
    top = old.bounding_box()

    page.locator(f"{W} .rj-composer-new textarea").fill("Straight from the other page.")
    page.locator(f"{W} .rj-composer-new button[type=submit]").click()
    expect(page.locator(f"{W} .rj-comment")).to_have_count(2)
    button = other.locator(f"{W} .rj-new")
    expect(button).to_have_text("1 new comment")
    # Nothing moved under the reader: the new comment is not on the page yet.
    expect(other.locator(f"{W} .rj-comment")).to_have_count(1)
    assert old.bounding_box() == top
    # The poster's own page shows it once, and no button.
    expect(page.locator(f"{W} .rj-new")).to_be_hidden()

    live_server.comment(live_server.reader(), story, "A reply to the first.", earlier)
    expect(button).to_have_text("2 new comments")
    button.click()
    expect(button).to_be_hidden()
    expect(other.locator(f"{W} .rj-comments > li > .rj-comment")).to_have_count(2)
    expect(other.locator(f"{W} .rj-comments > li").first.locator(".rj-body")).to_have_text(
        "Straight from the other page."
    )
    expect(old.locator("xpath=..").locator(".rj-replies .rj-body")).to_have_text(
        "A reply to the first."
    )
    expect(other.locator(f"{W} .rj-title")).to_have_text("3 comments")
    expect(other.locator(f"{W} [role=status]")).to_have_text("2 new comments shown.")


def test_edits_deletions_removals_and_reactions_apply_in_place(
    page: Page, live_server: LiveServer
) -> None:
    story = live_server.story()
    author = live_server.reader(display_name="Changing Mind")
    edited = live_server.comment(author, story, "First thoughts.")
    deleted = live_server.comment(author, story, "Regrettable.")
    removed = live_server.comment(live_server.reader(), story, "Over the line.")
    open_story(page, live_server, story)
    live_open(page)
    expect(page.locator(f"{W} .rj-title")).to_have_text("3 comments")
    who = live_server.run(viewer_of(live_server.runtime, author.account_id))

    live_server.run(
        edit_comment(live_server.runtime, who, edited, body="Second thoughts.", client="test")
    )
    item = page.locator(f"{W} #comment-{edited}")
    expect(item.locator(".rj-body")).to_have_text("Second thoughts.")
    expect(item.locator(".rj-edited")).to_have_text("(edited)")

    live_server.react(live_server.reader(), edited)
    expect(item.locator(".rj-count")).to_have_text("Like · 1")

    live_server.run(delete_comment(live_server.runtime, who, deleted))
    expect(page.locator(f"{W} #comment-{deleted}")).to_have_count(0)
    live_server.run(moderate(live_server.runtime, removed, "reject"))
    expect(page.locator(f"{W} #comment-{removed}")).to_have_count(0)
    expect(page.locator(f"{W} .rj-title")).to_have_text("1 comment")
    expect(page.locator(f"{W} .rj-new")).to_be_hidden()


def test_the_author_sees_their_held_comment_then_its_approval(
    page: Page, live_server: LiveServer
) -> None:
    story = live_server.story(premoderated=True)
    author = live_server.reader(display_name="Patient Author")
    open_story(page, live_server, story, reader=author)
    live_open(page)
    # A friendly text: the toxicity model's nudge must not stand in the way on a busy machine.
    page.locator(f"{W} .rj-composer-new textarea").fill("Thank you for this clear article.")
    page.locator(f"{W} .rj-composer-new button[type=submit]").click()
    mine = page.locator(f"{W} .rj-comment.rj-pending")
    expect(mine).to_have_count(1, timeout=20_000)
    comment_id = int((mine.get_attribute("id") or "").removeprefix("comment-"))
    live_server.run(moderate(live_server.runtime, comment_id, "approve"))
    expect(page.locator(f"{W} #comment-{comment_id}")).not_to_have_class("rj-pending")
    expect(page.locator(f"{W} #comment-{comment_id} .rj-marker")).to_have_count(0)
    expect(page.locator(f"{W} .rj-title")).to_have_text("1 comment")
    expect(page.locator(f"{W} .rj-comment")).to_have_count(1)


def test_the_desk_counts_move_without_a_reload(page: Page, live_server: LiveServer) -> None:
    moderator = live_server.reader(role="admin")
    page.goto(f"/admin#session={moderator.token}")
    pending = page.locator("#tab-pending .count")
    expect(pending).to_have_text(re.compile(r"^\d+$"))
    page.locator("html[data-live=open]").wait_for(state="attached")
    start = int(pending.inner_text())  # other tests' held comments are in the same database
    story = live_server.story(premoderated=True)
    author = live_server.reader()
    held = [live_server.comment(author, story, f"Held for the desk {i}.") for i in range(2)]
    expect(pending).to_have_text(str(start + 2))
    expect(page.locator("#new-items")).to_have_text("2 new in this queue: show them")
    page.locator("#new-items").click()
    expect(page.locator("#new-items")).to_be_hidden()
    for comment_id in held:
        expect(page.locator(f'.card[data-id="{comment_id}"]')).to_have_count(1)
    live_server.run(moderate(live_server.runtime, held[0], "approve"))
    expect(pending).to_have_text(str(start + 1))
    # The card shown on the desk changed in place: it is published now.
    expect(page.locator(f'.card[data-id="{held[0]}"]')).to_have_attribute(
        "data-status", "published"
    )


def test_japanese_labels_on_a_japanese_site(
    page: Page, other: Page, live_server: LiveServer
) -> None:
    story = live_server.story(lang="ja")
    open_story(page, live_server, story, lang="ja")
    live_open(page)
    live_server.comment(live_server.reader(), story, "新しい意見です。")
    button = page.locator(f"{W} .rj-new")
    expect(button).to_have_text("新しいコメント 1件")
    button.click()
    expect(page.locator(f"{W} .rj-body")).to_have_text("新しい意見です。")
    expect(page.locator(f"{W} [role=status]")).to_have_text("新しいコメントを1件表示しました。")


# --- a server stopped and started again on the same port --------------------------------------


class Restartable:
    """The app under uvicorn on one fixed port, stopped and started again with a new runtime
    on the same database (a deploy); in between, comments are written by another process's
    runtime straight to the database."""

    def __init__(self, settings: Settings, port: int) -> None:
        self.settings = settings
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server: uvicorn.Server | None = None
        self.serving: Any = None

    def start(self) -> LiveServer:
        runtime = create_runtime(self.settings)
        sock = free_socket_on(self.port)
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(self.settings, runtime=runtime),
                log_level="warning",
                lifespan="on",
                ws="none",
                access_log=False,
            )
        )
        self.server, self.sock = server, sock
        self.serving = asyncio.run_coroutine_threadsafe(server.serve(sockets=[sock]), self.loop)
        for _ in range(200):
            if server.started:
                break
            threading.Event().wait(0.05)
        self.live = LiveServer(self.base_url, runtime, self.loop)
        return self.live

    def stop(self) -> None:
        """As on SIGTERM: every stream gets ``reset`` (shutdown), then the server stops."""
        assert self.server is not None
        self.loop.call_soon_threadsafe(hub_of(self.live.runtime).end_streams)
        self.server.should_exit = True
        self.serving.result(timeout=20)
        self.sock.close()
        # Writes while no server runs: another runtime on the same database.
        self.live = LiveServer(self.base_url, create_runtime(self.settings), self.loop)


def free_socket_on(port: int) -> Any:
    import socket

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    return sock


@pytest.fixture(scope="module")
def restartable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Restartable]:
    path: Path = tmp_path_factory.mktemp("restart") / "restart.sqlite3"
    url = f"sqlite:///{path}"
    upgrade(url)
    probe = free_socket()
    port = probe.getsockname()[1]
    probe.close()
    settings = demo_settings(url, port)
    settings.comments.rate_limit_count = 1000
    settings.comments.cache_enabled = False
    settings.live.retry_ms = 200  # the widget's first reconnection delay (then back-off)
    server = Restartable(settings, port)
    server.start()
    yield server
    if server.server is not None and not server.server.should_exit:
        server.stop()
    server.loop.call_soon_threadsafe(server.loop.stop)


def test_after_a_restart_exactly_the_missed_comments_arrive(
    browser: Browser, restartable: Restartable
) -> None:
    live = restartable.live
    story = live.story()
    writer: Reader = live.reader(display_name="Night Shift")
    first = live.comment(writer, story, "Before the deploy.")
    with second_page(browser, live) as page:
        open_story(page, live, story)
        live_open(page)
        live.comment(writer, story, "Just before the deploy.")
        button = page.locator(f"{W} .rj-new")
        expect(button).to_have_text("1 new comment")

        restartable.stop()
        missed = [restartable.live.comment(writer, story, f"Missed number {i}.") for i in range(3)]
        live = restartable.start()
        expect(page.locator(f"{W} .rj[data-live=open]")).to_have_count(1, timeout=20_000)
        # Events come in id order: once this one is in, every replayed one is too.
        after = live.comment(writer, story, "After the deploy.")
        expect(button).to_have_text("5 new comments", timeout=20_000)
        button.click()
        bodies = page.locator(f"{W} .rj-comments > li > .rj-comment .rj-body").all_inner_texts()
        assert sorted(bodies) == sorted(
            [
                "Before the deploy.",
                "Just before the deploy.",
                *(f"Missed number {i}." for i in range(3)),
                "After the deploy.",
            ]
        )
        for comment_id in [first, *missed, after]:
            expect(page.locator(f"{W} #comment-{comment_id}")).to_have_count(1)
