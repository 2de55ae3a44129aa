"""The bearer-token lookup done on every authenticated request.

Requests run it as one unit of work in one hop; these tests hold it to the same statement run
on a ``read()`` connection for valid, revoked, expired and unknown tokens, and check that a
plan or status change applies to the very next request. Reads may reuse a lookup for a few
seconds (``accounts.cache``): the events of a revocation, a plan change or a sanction drop it.
"""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import update

from factories import make_reader
from rejoinder.accounts.dependencies import lookup_viewer
from rejoinder.accounts.models import access_tokens, accounts
from rejoinder.accounts.queries import viewer_for_token
from rejoinder.accounts.viewer import Viewer
from rejoinder.kernel.clock import FrozenClock
from rejoinder.plans.service import sync_subscriber
from rejoinder.runtime import Runtime


async def both(runtime: Runtime, token: str) -> tuple[Viewer | None, Viewer | None]:
    """(portable path, the path requests take): they must agree."""
    now = runtime.clock.now()
    async with runtime.db.read() as conn:
        portable = await viewer_for_token(conn, token, runtime.settings, now)
    return portable, await lookup_viewer(runtime, token)


async def test_reads_reuse_a_lookup_until_an_event_drops_it(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    reader = await make_reader(runtime, plan="digital")
    first = await lookup_viewer(runtime, reader.token, fresh=False)
    assert first is not None
    assert first.plan.id == "digital"
    cached = await lookup_viewer(runtime, reader.token, fresh=False)
    assert cached is first  # reused, not read again
    await sync_subscriber(runtime, reader.external_id, "free")  # emits account.plan_changed
    after = await lookup_viewer(runtime, reader.token, fresh=False)
    assert after is not None
    assert after.plan.id == "free"
    assert (await client.get("/api/v1/me", headers=reader.headers)).status_code == 200
    signed_out = await client.post("/api/v1/auth/logout", headers=reader.headers)
    assert signed_out.status_code == 204
    response = await client.get("/api/v1/me", headers=reader.headers)
    assert response.status_code == 401


async def test_a_valid_token_gives_the_same_viewer(runtime: Runtime) -> None:
    until = runtime.clock.now() + timedelta(days=3, microseconds=250)
    reader = await make_reader(runtime, plan="premium", status="suspended", status_until=until)
    portable, used = await both(runtime, reader.token)
    assert portable is not None
    assert used == portable
    assert used.status_until == until  # an aware UTC datetime, as SQLAlchemy returns it
    assert used.plan.id == "premium"
    assert used.token_id > 0


async def test_revoked_expired_and_unknown_tokens_give_nobody(
    runtime: Runtime, clock: FrozenClock
) -> None:
    revoked = await make_reader(runtime)
    expiring = await make_reader(runtime)
    async with runtime.db.transaction() as tx:
        await tx.conn.execute(
            update(access_tokens)
            .where(access_tokens.c.account_id == revoked.account_id)
            .values(revoked_at=clock.now())
        )
        await tx.conn.execute(
            update(access_tokens)
            .where(access_tokens.c.account_id == expiring.account_id)
            .values(expires_at=clock.now() + timedelta(seconds=1))
        )
    assert await both(runtime, revoked.token) == (None, None)
    assert await both(runtime, "no-such-token") == (None, None)
    portable, used = await both(runtime, expiring.token)
    assert portable is not None
    assert used == portable
    clock.advance(seconds=1)  # expires_at is exclusive: at that instant the token is dead
    assert await both(runtime, expiring.token) == (None, None)


async def test_a_plan_change_applies_to_the_next_lookup(runtime: Runtime) -> None:
    reader = await make_reader(runtime, plan="digital")
    _, before = await both(runtime, reader.token)
    assert before is not None
    assert before.can("comment")
    await sync_subscriber(runtime, reader.external_id, "free")
    portable, after = await both(runtime, reader.token)
    assert after == portable
    assert after is not None
    assert after.plan.id == "free"
    assert not after.can("comment")


async def test_a_ban_applies_to_the_next_request(
    runtime: Runtime, client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    """Changed behind the product's back (no event): writes see it at once, reads within the
    viewer cache's lifetime."""
    reader = await make_reader(runtime)
    assert (await client.get("/api/v1/me", headers=reader.headers)).status_code == 200
    async with runtime.db.transaction() as tx:
        await tx.conn.execute(
            update(accounts).where(accounts.c.id == reader.account_id).values(status="banned")
        )
    portable, used = await both(runtime, reader.token)
    assert used == portable
    assert used is not None
    assert used.status == "banned"
    async with runtime.db.transaction() as tx:
        await tx.conn.execute(
            update(access_tokens)
            .where(access_tokens.c.account_id == reader.account_id)
            .values(revoked_at=runtime.clock.now())
        )
    write = await client.put(
        "/api/v1/me/profile", json={"display_name": "Changed Name"}, headers=reader.headers
    )
    assert write.status_code == 401
    assert write.json()["code"] == "invalid_token"
    clock.advance(seconds=runtime.settings.accounts.viewer_cache_seconds)
    response = await client.get("/api/v1/me", headers=reader.headers)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"
