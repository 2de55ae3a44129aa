"""Regenerate the README's pictures from the demo: ``make screenshots``.

Serves the demo publication on a free port from a fresh SQLite database, then drives Debian's
chromium (headless, through Playwright) and writes ``article.png``, ``display-name.png`` and
``account.png`` into the folder given (default ``docs/screenshots``).
"""

from __future__ import annotations

import asyncio
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import Page, sync_playwright

from rejoinder.app import create_app, create_runtime
from rejoinder.demo.config import demo_settings
from rejoinder.demo.seed import seed
from rejoinder.storage.migrate import upgrade

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def serve_demo(folder: Path) -> tuple[str, uvicorn.Server, threading.Thread]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    settings = demo_settings(f"sqlite:///{folder / 'demo.sqlite3'}", port)
    upgrade(settings.database.url)
    runtime = create_runtime(settings)
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, runtime=runtime), log_level="warning", ws="none", lifespan="on"
        )
    )

    async def run() -> None:
        await seed(runtime)
        await server.serve(sockets=[sock])

    thread = threading.Thread(target=lambda: asyncio.run(run()), daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise SystemExit("the demo server did not start")
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server, thread


def switch_reader(page: Page, reader: str) -> None:
    page.get_by_label("Read this site as").select_option(reader)
    page.locator("#demo-status").filter(has_text="Signed").wait_for()


def widget(page: Page) -> None:
    page.locator("rejoinder-comments .rj-toolbar").wait_for()
    page.locator("rejoinder-comments .rj-comment").first.wait_for()


def shoot(base: str, out: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(
            base_url=base, viewport={"width": 960, "height": 1200}, device_scale_factor=1
        )
        page = context.new_page()

        page.goto("/articles/harbour-bridge-reopens")
        switch_reader(page, "premium")
        widget(page)
        page.locator("rejoinder-comments .rj-composer textarea").fill(
            "The toll is steep, but the **cycle lane** alone was worth the wait."
        )
        page.screenshot(path=out / "article.png", full_page=True)

        switch_reader(page, "digital-new")
        page.locator("rejoinder-comments .rj-gate-name input").fill("Moderator")
        page.locator("rejoinder-comments .rj-feedback.rj-bad").wait_for()
        page.locator("rejoinder-comments .rj-gate-name").screenshot(path=out / "display-name.png")

        switch_reader(page, "digital")
        page.goto("/account/profile?return=" + base + "/articles/harbour-bridge-reopens")
        page.locator("#sections").wait_for()
        page.locator("#my-comments li").first.wait_for()
        page.screenshot(path=out / "account.png", full_page=True)
        browser.close()


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        base, server, thread = serve_demo(Path(folder))
        try:
            shoot(base, out)
        finally:
            server.should_exit = True
            thread.join(timeout=10)
    for name in ("article.png", "display-name.png", "account.png"):
        print(f"wrote {out / name}")


if __name__ == "__main__":
    main()
