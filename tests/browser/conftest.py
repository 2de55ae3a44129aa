"""Browser tests: the real app under uvicorn on a free port, Debian's chromium through Playwright.

One server per session, one browser per test module; every test gets a fresh browser context
(no shared storage) and its own story, so tests never see each other's comments.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from browser.support import CHROMIUM, CHROMIUM_ARGS, SSO_SECRET, LiveServer, free_socket
from rejoinder.app import create_app, create_runtime
from rejoinder.demo.config import demo_settings
from rejoinder.demo.seed import seed_readers
from rejoinder.settings import SsoKey
from rejoinder.storage.migrate import upgrade


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium` (make test does it)")
    path = tmp_path_factory.mktemp("browser") / "browser.sqlite3"
    url = f"sqlite:///{path}"
    upgrade(url)
    sock = free_socket()
    port = sock.getsockname()[1]
    settings = demo_settings(url, port)
    # A secret long enough for PyJWT not to warn (warnings are errors in the suite).
    settings.sso.keys = [SsoKey(kid="demo", algorithm="HS256", secret=SSO_SECRET)]
    settings.comments.rate_limit_count = 1000  # tests post quickly; the 429 path is simulated
    settings.comments.cache_enabled = False
    # Verdicts must not depend on whether the encoder beat its budget on busy cores.
    settings.moderation.toxicity_timeout_ms = 30_000
    runtime = create_runtime(settings)
    app = create_app(settings, runtime=runtime)
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="on", ws="none", access_log=False)
    )
    loop = asyncio.new_event_loop()
    thread = threading.Thread(
        target=lambda: loop.run_until_complete(server.serve(sockets=[sock])), daemon=True
    )
    thread.start()
    live = LiveServer(f"http://127.0.0.1:{port}", runtime, loop)
    for _ in range(200):
        if server.started:
            break
        threading.Event().wait(0.05)
    live.run(seed_readers(runtime))
    try:
        yield live
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        loop.close()
        sock.close()


# Per module, not per session: while Playwright's sync API is running, the main thread has a
# running event loop, and the suite's async tests (which come after) could not start theirs.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    ctx = browser.new_context(base_url=live_server.base_url, locale="en-GB")
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: (errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    yield page
    assert not errors, errors
