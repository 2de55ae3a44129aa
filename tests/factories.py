"""Factories for tests: readers in every state, signed SSO tokens, admin headers."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

import jwt
from sqlalchemy import update

from rejoinder.accounts.models import accounts
from rejoinder.accounts.queries import viewer_for_account
from rejoinder.accounts.service import issue_token_for, set_role
from rejoinder.accounts.viewer import Viewer
from rejoinder.plans.service import sync_subscriber
from rejoinder.profiles.service import update_profile
from rejoinder.runtime import Runtime

_numbers = itertools.count(1)


def sso_token(
    secret: str = "test-secret-0123456789-abcdefghijklmnop",
    *,
    now: datetime,
    kid: str | None = "hs-1",
    algorithm: str = "HS256",
    **claims: Any,
) -> str:
    payload: dict[str, Any] = {
        "sub": "subscriber-1",
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=10)).timestamp()),
    }
    payload.update(claims)
    payload = {k: v for k, v in payload.items() if v is not None}
    headers = {"kid": kid} if kid else None
    return jwt.encode(payload, secret, algorithm=algorithm, headers=headers)


class Reader:
    def __init__(self, account_id: int, token: str, external_id: str) -> None:
        self.account_id = account_id
        self.token = token
        self.external_id = external_id

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def make_reader(
    runtime: Runtime,
    *,
    plan: str = "digital",
    display_name: str | None = "auto",
    role: str = "commenter",
    status: str = "active",
    status_until: datetime | None = None,
) -> Reader:
    """A signed-in reader; ``display_name="auto"`` picks a unique one, ``None`` leaves none."""
    number = next(_numbers)
    external_id = f"reader-{number}"
    result = await sync_subscriber(runtime, external_id, plan)
    grant = await issue_token_for(runtime, result.account_id, "sso")
    if role != "commenter":
        await set_role(runtime, result.account_id, role)
    if display_name is not None:
        name = f"Reader {_letters(number)}" if display_name == "auto" else display_name
        await update_profile(runtime, await viewer(runtime, result.account_id), name, None)
    if status != "active":
        async with runtime.db.transaction() as tx:
            await tx.conn.execute(
                update(accounts)
                .where(accounts.c.id == result.account_id)
                .values(status=status, status_until=status_until)
            )
    return Reader(result.account_id, grant.access_token, external_id)


async def viewer(runtime: Runtime, account_id: int) -> Viewer:
    async with runtime.db.read() as conn:
        found = await viewer_for_account(conn, account_id, runtime.settings)
    assert found is not None
    return found


def _letters(number: int) -> str:
    """Display names may not be digit-only look-alikes of each other: spell the number."""
    out = ""
    while True:
        number, rest = divmod(number, 26)
        out = chr(ord("a") + rest) + out
        if number == 0:
            return out.capitalize()


# --- stories and comments (issue #3) -------------------------------------------------------

ADMIN_HEADERS = {"Authorization": "Bearer test-admin-key-0123456789"}
_stories = itertools.count(1)


async def make_story(
    runtime: Runtime, *, site: str = "news", key: str | None = None, **fields: Any
) -> str:
    """A story created through the publisher's action; returns its id (``story_key``)."""
    from rejoinder.stories.schemas import StoryUpsert
    from rejoinder.stories.service import upsert_story

    key = key or f"story-{next(_stories)}"
    site_settings = runtime.settings.site(site)
    assert site_settings is not None
    data = StoryUpsert(
        title=fields.pop("title", f"Story {key}"),
        url=fields.pop("url", f"https://news.test/{key}"),
        **fields,
    )
    await upsert_story(runtime, site_settings, key, data)
    return key


async def make_comment(
    runtime: Runtime,
    reader: Reader,
    story: str,
    body: str = "A comment",
    *,
    site: str = "news",
    parent_id: int | None = None,
) -> dict[str, Any]:
    """A comment posted through the action (no rate limits in the way); returns the view."""
    import msgspec

    from rejoinder.comments.service import create_comment

    result = await create_comment(
        runtime,
        await viewer(runtime, reader.account_id),
        site,
        story,
        body,
        parent_id,
        idempotency_key=None,
        client=f"factory-{reader.account_id}",
    )
    created: dict[str, Any] = msgspec.json.decode(result.body)
    comment: dict[str, Any] = created["comment"]
    return comment


# --- moderation (issue #5) -----------------------------------------------------------------


async def make_moderator(
    runtime: Runtime, *, sites: tuple[str, ...] = ("news",), admin: bool = False
) -> Reader:
    """A moderator granted ``sites`` (or an admin, who moderates every site)."""
    from rejoinder.moderation.models import moderator_scopes

    reader = await make_reader(runtime, role="admin" if admin else "moderator")
    if not admin and sites:
        async with runtime.db.transaction() as tx:
            for site in sites:
                await tx.conn.execute(
                    moderator_scopes.insert().values(account_id=reader.account_id, site_id=site)
                )
    return reader


async def moderate(
    runtime: Runtime, comment_id: int, action: str, reason: str | None = None
) -> None:
    """A moderator's decision through the real action (an admin's scope): approve / reject."""
    from rejoinder.moderation.access import Scope
    from rejoinder.moderation.actions.comments import apply_to

    if action == "reject" and reason is None:
        reason = runtime.settings.moderation.rejection_reasons[0]
    admin = await make_reader(runtime, role="admin")
    scope = Scope(account_id=admin.account_id, display_name=None, is_admin=True, sites=frozenset())
    await apply_to(runtime, scope, [comment_id], action, reason=reason)


class Recorder:
    """An in-process consumer of the relay that keeps every event it is handed, in order."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, Any]] = []

    async def handle(self, event_id: int, event: Any) -> None:
        self.seen.append((event_id, event))

    @property
    def events(self) -> list[Any]:
        return [event for _, event in self.seen]

    def names(self, prefix: str = "") -> list[str]:
        return [event.name for event in self.events if event.name.startswith(prefix)]


def record_events(runtime: Runtime) -> Recorder:
    recorder = Recorder()
    runtime.relay.add(recorder)
    return recorder
