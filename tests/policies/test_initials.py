"""Initials as the public name (issue #14): a site shows commenters as the initials of their
registered name (``H. Y.``), never the name itself; other sites keep the display name."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from conftest import RsaPair, make_settings
from factories import Reader, make_comment, make_reader, make_story
from rejoinder.comments.rows import initials
from rejoinder.kernel.clock import FrozenClock
from rejoinder.runtime import Runtime
from rejoinder.settings import ConfigError, Settings
from rejoinder.settings.loading import check_settings

Client = httpx.AsyncClient


@pytest.fixture
def settings(database_url: str, rsa_key: RsaPair) -> Settings:
    settings = make_settings(database_url, rsa_key)
    news = settings.sites[0]
    news.registered_name_required = True
    news.public_name = "initials"
    settings.comments.cache_enabled = True  # the cached page follows a change of name
    return settings


async def registered(
    client: Client, runtime: Runtime, first: str, surname: str, name: str = "Hana Reads"
) -> Reader:
    reader = await make_reader(runtime, display_name=name)
    answer = await client.put(
        "/api/v1/me/profile",
        json={"registered_first_name": first, "registered_surname": surname},
        headers=reader.headers,
    )
    assert answer.status_code == 200, answer.text
    return reader


def authors(page: dict[str, Any]) -> list[str]:
    out = []
    for comment in page["comments"]:
        out.append(comment["author"]["display_name"])
        out.extend(reply["author"]["display_name"] for reply in comment["replies"])
    return out


async def test_comments_show_the_initials_on_that_site_only(
    client: Client, runtime: Runtime, clock: FrozenClock
) -> None:
    me = await registered(client, runtime, "hanako", "Yamashita-O'Neill")
    story = await make_story(runtime)
    posted = await client.post(
        f"/api/v1/sites/news/stories/{story}/comments",
        json={"body": "First"},
        headers=me.headers,
    )
    assert posted.json()["comment"]["author"]["display_name"] == "H. Y."
    other = await registered(client, runtime, "Kenji", "Sato", name="Ken Reads")
    top = posted.json()["comment"]["id"]
    reply = await make_comment(runtime, other, story, "A reply", parent_id=top)
    again = await make_comment(runtime, me, story, "Mine again", parent_id=reply["id"])

    page = (await client.get(f"/api/v1/sites/news/stories/{story}/comments")).json()
    assert authors(page) == ["H. Y.", "K. S."]
    assert "Hana Reads" not in str(page)
    assert "Yamashita" not in str(page)
    replies = (await client.get(f"/api/v1/comments/{reply['id']}/replies")).json()
    assert [c["author"]["display_name"] for c in replies["comments"]] == ["H. Y."]
    link = (await client.get(f"/api/v1/comments/{again['id']}")).json()
    assert link["comment"]["author"]["display_name"] == "H. Y."
    assert [c["author"]["display_name"] for c in link["ancestors"]] == ["H. Y.", "K. S."]
    # Signed in, with an overlay of their own: the same names.
    mine = await client.get(f"/api/v1/sites/news/stories/{story}/comments", headers=me.headers)
    assert authors(mine.json()) == ["H. Y.", "K. S."]

    sport = await make_story(runtime, site="sport")
    elsewhere = await make_comment(runtime, me, sport, "On sport", site="sport")
    assert elsewhere["author"]["display_name"] == "Hana Reads"

    # A new registered name: the cached page shows the new initials.
    changed = await client.put(
        "/api/v1/me/profile",
        json={"registered_first_name": "Aiko", "registered_surname": "Mori"},
        headers=me.headers,
    )
    assert changed.status_code == 200
    page = (await client.get(f"/api/v1/sites/news/stories/{story}/comments")).json()
    assert authors(page) == ["A. M.", "K. S."]


def test_initials_need_both_parts_and_the_setting_needs_registered_names(
    database_url: str, rsa_key: RsaPair
) -> None:
    assert initials(" josé ", "müller") == "J. M."
    assert initials(None, "Sato") is None  # shown by the display name instead
    settings = make_settings(database_url, rsa_key)
    settings.sites[0].public_name = "initials"
    with pytest.raises(ConfigError, match="public_name: initials need registered_name_required"):
        check_settings(settings)
