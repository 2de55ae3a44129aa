"""The public profile page: public facts only, and no 5xx for any id."""

from __future__ import annotations

import httpx
import pytest

from factories import make_comment, make_reader, make_story, viewer
from rejoinder.profiles.service import update_profile
from rejoinder.runtime import Runtime

Client = httpx.AsyncClient


async def test_public_profile_shows_only_public_facts(client: Client, runtime: Runtime) -> None:
    reader = await make_reader(runtime, plan="premium", display_name="Lois Lane")
    await update_profile(runtime, await viewer(runtime, reader.account_id), None, "Reporter.")
    story = await make_story(runtime)
    await make_comment(runtime, reader, story, "Published words.")
    held = await make_story(runtime, premoderated=True)
    await make_comment(runtime, reader, held, "Held words.")
    response = await client.get(f"/profiles/{reader.account_id}", params={"lang": "ja"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<html lang="ja">' in page
    assert "Lois Lane" in page
    assert "Reporter." in page
    assert "Premium" in page
    assert "Published words." in page
    assert "Held words." not in page
    assert "@" not in page  # no e-mail address, ever
    assert f"https://news.test/{story}#comment-" in page


async def test_no_display_name_no_profile(client: Client, runtime: Runtime) -> None:
    reader = await make_reader(runtime, display_name=None)
    response = await client.get(f"/profiles/{reader.account_id}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "path", ["/profiles/0", "/profiles/-1", "/profiles/abc", "/profiles/99999999999999999999"]
)
async def test_bad_ids_are_refused_without_a_5xx(client: Client, path: str) -> None:
    response = await client.get(path)
    assert 400 <= response.status_code < 500, response.text
