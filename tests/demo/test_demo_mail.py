"""The demo's mail catcher: a reply by another demo reader shows up at ``/demo/mail``."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from rejoinder.accounts.models import accounts
from rejoinder.app import create_app, create_runtime
from rejoinder.comments.models import comments
from rejoinder.demo.config import demo_settings
from rejoinder.demo.seed import seed
from rejoinder.notifications.service import notifier_of
from rejoinder.runtime import Runtime
from rejoinder.settings import SsoKey
from rejoinder.stories.models import stories

Client = httpx.AsyncClient
LONG_SECRET = "demo-tests-secret-0123456789abcdefghij"


@pytest.fixture
async def demo(database_url: str) -> AsyncIterator[tuple[Client, Runtime]]:
    settings = demo_settings(database_url, 8123)
    settings.sso.keys = [SsoKey(kid="demo", algorithm="HS256", secret=LONG_SECRET)]
    runtime = create_runtime(settings)
    await seed(runtime)
    app = create_app(settings, runtime=runtime)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(
            transport=transport, base_url="http://127.0.0.1:8123"
        ) as client:
            yield client, runtime
    finally:
        await runtime.close()


async def deliver(runtime: Runtime) -> None:
    notifier = notifier_of(runtime)
    while await runtime.relay.run_durable(notifier.consumer):
        pass
    await notifier.worker.run_once()


async def test_a_reply_by_another_demo_reader_shows_in_the_mail_page(
    demo: tuple[Client, Runtime],
) -> None:
    client, runtime = demo
    await deliver(runtime)  # the seeded conversations' own mail
    async with runtime.db.read() as conn:
        mary_janes = (
            await conn.execute(
                select(comments.c.id, comments.c.story_id)
                .join(accounts, accounts.c.id == comments.c.account_id)
                .where(accounts.c.external_id == "demo-digital", comments.c.status == "published")
                .order_by(comments.c.id)
                .limit(1)
            )
        ).one()
        key = (
            await conn.execute(
                select(stories.c.story_key).where(stories.c.id == mary_janes.story_id)
            )
        ).scalar()
    token = (await client.post("/api/v1/demo/sign-in", json={"reader": "premium"})).json()
    grant = (await client.post("/api/v1/auth/sso", json=token)).json()
    headers = {"Authorization": f"Bearer {grant['access_token']}"}
    posted = await client.post(
        f"/api/v1/sites/demo/stories/{key}/comments",
        json={"body": "I see it differently, Mary Jane.", "parent_id": mary_janes.id},
        headers=headers,
    )
    assert posted.status_code == 201, posted.text
    await deliver(runtime)

    page = await client.get("/demo/mail")
    assert page.status_code == 200
    assert "Ned Leeds replied to your comment" in page.text
    number = re.search(r'<a href="/demo/mail/(\d+)">Ned Leeds replied', page.text)
    assert number is not None
    message = await client.get(f"/demo/mail/{number.group(1)}")
    assert message.status_code == 200
    assert "digital@bugle.test" in message.text
    assert "List-Unsubscribe=One-Click" in message.text
    assert "Unsubscribe from all mail" in message.text  # the text part
    assert "srcdoc=" in message.text  # the HTML part, sandboxed
    assert (await client.get("/demo/mail/99999")).status_code == 404


async def test_no_mail_page_outside_the_demo(client: Client) -> None:
    assert (await client.get("/demo/mail")).status_code == 404
