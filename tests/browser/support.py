"""Helpers of the browser tests: the live server, signing in, opening a story, axe-core.

One server and one browser per session; every test gets a fresh browser context (no shared
storage) and its own story, so tests never see each other's comments. Test data is made with
the service actions, run on the server's own event loop (its caches see every change).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import axe_playwright_python
import jwt
from playwright.sync_api import Page

from factories import Reader, make_reader
from rejoinder.comments.service import create_comment
from rejoinder.runtime import Runtime
from rejoinder.stories.schemas import StoryUpsert
from rejoinder.stories.service import upsert_story

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # The cross-origin test puts the article on localhost and Rejoinder on 127.0.0.1; Chrome's
    # local-network checks would refuse that pair, which never occurs between public sites.
    "--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests",
]
SITE = "demo"
SSO_SECRET = "browser-tests-sso-secret-0123456789abcdef"
T = TypeVar("T")
_stories = itertools.count(1)


@dataclass
class LiveServer:
    base_url: str
    runtime: Runtime
    loop: asyncio.AbstractEventLoop

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run a service action on the server's event loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)

    @property
    def session_key(self) -> str:
        return "rejoinder.session:" + self.base_url.split("://", 1)[1]

    def reader(self, **kwargs: Any) -> Reader:
        return self.run(make_reader(self.runtime, **kwargs))

    def story(self, *, status: str = "open", premoderated: bool = False, lang: str = "en") -> str:
        key = f"story-{next(_stories)}-{lang}"
        site = self.runtime.settings.site(SITE)
        assert site is not None
        data = StoryUpsert(
            title=f"Test story {key}",
            url=self.story_url(key),
            status="closed" if status == "closed" else "open",
            premoderated=premoderated,
        )
        self.run(upsert_story(self.runtime, site, key, data))
        return key

    def story_url(self, key: str) -> str:
        return f"{self.base_url}/t/{key}"

    def comment(self, reader: Reader, story: str, body: str, parent_id: int | None = None) -> int:
        viewer = self.run(_viewer(self.runtime, reader.account_id))
        stored = self.run(
            create_comment(
                self.runtime,
                viewer,
                SITE,
                story,
                body,
                parent_id,
                idempotency_key=None,
                client="test",
            )
        )
        return int(json.loads(stored.body)["comment"]["id"])

    def sso_token(self, subject: str, plan: str | None = None) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {"sub": subject, "iat": now, "exp": now + 600}
        if plan:
            claims["plan"] = plan
        return jwt.encode(claims, SSO_SECRET, algorithm="HS256", headers={"kid": "demo"})

    def react(self, reader: Reader, comment_id: int, kind: str = "like") -> None:
        from rejoinder.comments.feedback import react

        viewer = self.run(_viewer(self.runtime, reader.account_id))
        self.run(react(self.runtime, viewer, comment_id, kind, add=True, client="test"))

    def comment_count(self, story: str) -> int:
        """Every comment row of the story, whatever its status."""
        return self.run(_count(self.runtime, story))


async def _viewer(runtime: Runtime, account_id: int) -> Any:
    from factories import viewer

    return await viewer(runtime, account_id)


async def _count(runtime: Runtime, story: str) -> int:
    from sqlalchemy import func, select

    from rejoinder.comments.models import comments
    from rejoinder.stories.models import stories

    async with runtime.db.read() as conn:
        return int(
            (
                await conn.execute(
                    select(func.count())
                    .select_from(comments.join(stories, stories.c.id == comments.c.story_id))
                    .where(stories.c.story_key == story)
                )
            ).scalar_one()
        )


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def article_html(live: LiveServer, story: str, *, lang: str = "en", extra: str = "") -> str:
    return f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<title>Story {story}</title>
<script>window.Rejoinder = window.Rejoinder || [];</script>
<script async src="/embed.js"></script></head>
<body><main><h1>Story {story}</h1><p>Text of the story.</p>
<rejoinder-comments site="{SITE}" story="{story}"
  story-url="{live.story_url(story)}"></rejoinder-comments>
{extra}</main></body></html>"""


def open_story(
    page: Page,
    live: LiveServer,
    story: str,
    *,
    reader: Reader | None = None,
    lang: str = "en",
    fragment: str = "",
    extra: str = "",
) -> None:
    """Serve a minimal article page embedding the widget, signed in as ``reader``, and wait
    until the widget has rendered."""
    html = article_html(live, story, lang=lang, extra=extra)
    page.route(
        f"{live.story_url(story)}",
        lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"),
    )
    if reader is not None:
        sign_in(page, live, reader)
    page.goto(live.story_url(story) + fragment)
    widget_ready(page)


def sign_in(page: Page, live: LiveServer, reader: Reader) -> None:
    session = json.dumps({"token": reader.token, "expires": 4102444800000})
    page.add_init_script(
        f"localStorage.setItem({json.dumps(live.session_key)}, {json.dumps(session)});"
    )


AXE_SOURCE = (Path(axe_playwright_python.__file__).with_name("axe.min.js")).read_text("utf-8")


def axe_violations(page: Page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[Any]:
    """axe-core's WCAG 2.1 A/AA violations of the given impacts (shadow DOM included)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    results = page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}}))
             .violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                     nodes: v.nodes.map(n => n.target)}))"""
    )
    return [v for v in results if v["impact"] in impacts]


def widget_ready(page: Page) -> None:
    page.locator("rejoinder-comments .rj-toolbar").wait_for()
    page.wait_for_function(
        "() => { const r = document.querySelector('rejoinder-comments').shadowRoot;"
        " return r && r.querySelector('.rj-gate-slot').childElementCount > 0; }"
    )
