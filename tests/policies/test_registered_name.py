"""Registered names (issue #14): the gate, validation, privacy, the desk, export, erasure."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from conftest import RsaPair, make_settings
from factories import make_comment, make_moderator, make_reader, make_story
from rejoinder.account_page.service import purge_due_deletions
from rejoinder.accounts.models import accounts
from rejoinder.events.models import events
from rejoinder.kernel.clock import FrozenClock
from rejoinder.kernel.errors import Forbidden
from rejoinder.runtime import Runtime
from rejoinder.settings import Settings

Client = httpx.AsyncClient
FIRST, SURNAME = "Hanako", "Yamashita-O'Neill"


@pytest.fixture
def settings(database_url: str, rsa_key: RsaPair) -> Settings:
    settings = make_settings(database_url, rsa_key)
    settings.sites[0].registered_name_required = True  # "news"; "sport" does not ask
    return settings


async def register(client: Client, headers: dict[str, str], **names: str) -> httpx.Response:
    return await client.put("/api/v1/me/profile", json=names, headers=headers)


async def post(client: Client, headers: dict[str, str], site: str, story: str) -> httpx.Response:
    return await client.post(
        f"/api/v1/sites/{site}/stories/{story}/comments",
        json={"body": "My first comment"},
        headers=headers,
    )


async def test_the_gate_asks_for_a_registered_name_on_that_site_only(
    client: Client, runtime: Runtime
) -> None:
    reader = await make_reader(runtime)
    news, sport = await make_story(runtime), await make_story(runtime, site="sport")
    me = (await client.get("/api/v1/me", params={"site": "news"}, headers=reader.headers)).json()
    assert me["can_comment"] is False
    assert me["comment_blocked"]["code"] == "registered_name_required"
    assert me["comment_blocked"]["profile_url"] == "http://rejoinder.test/account/profile"
    assert me["registered_name_required"] is True
    assert me["registered_name_script"] == "latin"
    refused = await post(client, reader.headers, "news", news)
    assert refused.status_code == 403
    problem = refused.json()
    assert problem["code"] == "registered_name_required"
    assert problem["profile_url"] == "http://rejoinder.test/account/profile"
    assert "Roman letters" in problem["detail"]
    # Another site does not ask for one; /me without a site answers the plain gate.
    assert (await post(client, reader.headers, "sport", sport)).status_code == 201
    plain = (await client.get("/api/v1/me", headers=reader.headers)).json()
    assert plain["can_comment"] is True
    assert plain["registered_name_required"] is True  # some site asks: the Profile shows it

    saved = await register(
        client, reader.headers, registered_first_name=FIRST, registered_surname=SURNAME
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["registered_first_name"] == FIRST
    assert saved.json()["registered_surname"] == SURNAME
    assert (await post(client, reader.headers, "news", news)).status_code == 201


async def test_display_name_comes_first_and_both_parts_are_needed(
    client: Client, runtime: Runtime
) -> None:
    reader = await make_reader(runtime, display_name=None)
    news = await make_story(runtime)
    first = await post(client, reader.headers, "news", news)
    assert first.json()["code"] == "display_name_required"
    await client.put("/api/v1/me/profile", json={"display_name": "Hana"}, headers=reader.headers)
    await register(client, reader.headers, registered_first_name=FIRST)
    half = await post(client, reader.headers, "news", news)
    assert half.json()["code"] == "registered_name_required"
    await register(client, reader.headers, registered_surname=SURNAME)
    assert (await post(client, reader.headers, "news", news)).status_code == 201


@pytest.mark.parametrize(
    ("first", "surname", "reason", "field"),
    [
        ("", "Sato", "empty", "first_name"),
        ("   ", "Sato", "empty", "first_name"),
        ("Taro", "山田", "script", "surname"),
        ("Тaro", "Sato", "script", "first_name"),
        ("Taro2", "Sato", "script", "first_name"),
        ("Ta\u0000ro", "Sato", "script", "first_name"),
        ("Taro", "Sato!", "script", "surname"),
        ("T" * 65, "Sato", "too_long", "first_name"),
    ],
)
async def test_validation(  # noqa: PLR0917 - pytest passes parameters positionally
    client: Client, runtime: Runtime, first: str, surname: str, reason: str, field: str
) -> None:
    reader = await make_reader(runtime)
    response = await register(
        client, reader.headers, registered_first_name=first, registered_surname=surname
    )
    assert response.status_code == 422
    problem = response.json()
    assert (problem["code"], problem["reason"], problem["field"]) == (
        "registered_name_invalid",
        reason,
        field,
    )
    me = (await client.get("/api/v1/me", headers=reader.headers)).json()
    assert me["registered_first_name"] is None  # nothing half-saved


async def test_names_are_normalised(client: Client, runtime: Runtime) -> None:
    reader = await make_reader(runtime)
    response = await register(
        client,
        reader.headers,
        registered_first_name="  Ｔａｒｏ  ",
        registered_surname="José  María\u200b",
    )
    assert response.status_code == 200, response.text
    assert response.json()["registered_first_name"] == "Taro"
    assert response.json()["registered_surname"] == "José María"


async def test_any_script_when_the_site_allows_it(
    client: Client, runtime: Runtime, settings: Settings
) -> None:
    settings.sites[0].registered_name_script = "any"
    reader = await make_reader(runtime)
    response = await register(
        client, reader.headers, registered_first_name="花子", registered_surname="山下"
    )
    assert response.status_code == 200, response.text
    news = await make_story(runtime)
    assert (await post(client, reader.headers, "news", news)).status_code == 201


async def test_a_stored_name_that_breaks_the_rule_does_not_pass_the_gate(
    runtime: Runtime, settings: Settings
) -> None:
    settings.sites[0].registered_name_script = "any"
    reader = await make_reader(runtime)
    async with runtime.db.transaction() as tx:
        await tx.conn.execute(
            accounts.update()
            .where(accounts.c.id == reader.account_id)
            .values(registered_first_name="花子", registered_surname="山下")
        )
    news = await make_story(runtime)
    await make_comment(runtime, reader, news)
    settings.sites[0].registered_name_script = "latin"
    with pytest.raises(Forbidden) as refused:
        await make_comment(runtime, reader, news)
    assert refused.value.code == "registered_name_required"


def _contains(value: Any, needle: str) -> bool:
    return needle in str(value)


async def test_never_public_but_the_desk_sees_it(client: Client, runtime: Runtime) -> None:
    reader = await make_reader(runtime)
    await register(client, reader.headers, registered_first_name=FIRST, registered_surname=SURNAME)
    news = await make_story(runtime)
    created = (await post(client, reader.headers, "news", news)).json()["comment"]
    assert not _contains(created, FIRST)
    public = [
        await client.get(f"/api/v1/sites/news/stories/{news}/comments"),
        await client.get(f"/api/v1/comments/{created['id']}"),
        await client.get(f"/profiles/{reader.account_id}"),
        await client.get("/api/v1/sites/news/counts", params={"story": news}),
        await client.get("/api/v1/sites/news/widget"),
    ]
    for response in public:
        assert response.status_code == 200, response.url
        assert FIRST not in response.text, response.url
        assert "Yamashita" not in response.text, response.url
    async with runtime.db.read() as conn:
        payloads = (await conn.execute(select(events.c.payload))).scalars().all()
    assert payloads
    assert not any(FIRST in str(p) or "Yamashita" in str(p) for p in payloads)

    moderator = await make_moderator(runtime)
    panel = await client.get(
        f"/api/v1/moderation/readers/{reader.account_id}", headers=moderator.headers
    )
    assert panel.status_code == 200, panel.text
    assert panel.json()["registered_name"] == {"first_name": FIRST, "surname": SURNAME}
    # A reader without one shows none.
    other = await make_reader(runtime)
    await make_comment(runtime, other, await make_story(runtime, site="sport"), site="sport")
    admin = await make_moderator(runtime, admin=True)
    bare = await client.get(f"/api/v1/moderation/readers/{other.account_id}", headers=admin.headers)
    assert bare.json()["registered_name"] is None


async def test_export_holds_it_and_erasure_removes_it(
    client: Client, runtime: Runtime, clock: FrozenClock
) -> None:
    reader = await make_reader(runtime)
    await register(client, reader.headers, registered_first_name=FIRST, registered_surname=SURNAME)
    exported = (await client.get("/api/v1/me/export", headers=reader.headers)).json()
    assert exported["account"]["registered_first_name"] == FIRST
    assert exported["account"]["registered_surname"] == SURNAME
    assert (await client.post("/api/v1/me/deletion", headers=reader.headers)).status_code == 202
    clock.advance(days=15)
    assert await purge_due_deletions(runtime) == [reader.account_id]
    async with runtime.db.read() as conn:
        left = (
            await conn.execute(
                select(accounts.c.id).where(
                    (accounts.c.registered_first_name == FIRST)
                    | (accounts.c.registered_surname == SURNAME)
                )
            )
        ).all()
    assert left == []
