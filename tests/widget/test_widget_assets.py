"""The widget's files (cache headers, ETags, sizes), its site configuration, CORS, catalogues."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx

from rejoinder.widget.api import STATIC, widget_bundle
from rejoinder.widget.catalogue import pick_language

Client = httpx.AsyncClient


async def test_embed_loader_is_small_revalidated_and_points_at_the_versioned_module(
    client: Client,
) -> None:
    response = await client.get("/embed.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert "max-age=300" in response.headers["cache-control"]
    version = widget_bundle().version
    assert f"widget/v/{version}/widget.js" in response.text
    again = await client.get("/embed.js", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    raw, gzipped = widget_bundle().sizes()["embed.js"]
    assert gzipped < 10 * 1024, "the loader must stay under 10 kB gzipped"
    assert raw < 10 * 1024


async def test_versioned_modules_are_immutable(client: Client) -> None:
    version = widget_bundle().version
    response = await client.get(f"/widget/v/{version}/widget.js")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    old = await client.get("/widget/v/000000000000/widget.js")
    assert old.status_code == 200
    assert "immutable" not in old.headers["cache-control"]
    assert (await client.get(f"/widget/v/{version}/nope.js")).status_code == 404
    assert (await client.get(f"/widget/v/{version}/../api.py")).status_code == 404


async def test_widget_configuration_of_a_site(client: Client) -> None:
    response = await client.get("/api/v1/sites/news/widget")
    assert response.status_code == 200
    body = response.json()
    assert body["site"] == "news"
    assert body["name"] == "The Daily Planet"
    assert body["local_accounts"] is True
    assert body["reactions"] == ["like"]
    assert body["edit_window_seconds"] == 600
    assert body["display_names"] == {"min_length": 2, "max_length": 30}
    assert "public" in response.headers["cache-control"]
    missing = await client.get("/api/v1/sites/nope/widget")
    assert missing.status_code == 404
    assert missing.json()["code"] == "unknown_site"


async def test_cors_allows_only_the_sites_domains(client: Client) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
    }
    allowed = await client.options(
        "/api/v1/sites/news/stories/x/comments",
        headers={"Origin": "https://www.news.test", **preflight},
    )
    assert allowed.status_code in {200, 204}
    assert allowed.headers["access-control-allow-origin"] == "https://www.news.test"
    assert "idempotency-key" in allowed.headers["access-control-allow-headers"].lower()
    refused = await client.get(
        "/api/v1/sites/news/widget", headers={"Origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in refused.headers


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    english = json.loads((STATIC / "i18n" / "en.json").read_text("utf-8"))
    japanese = json.loads((STATIC / "i18n" / "ja.json").read_text("utf-8"))

    def base(key: str) -> str:
        return re.sub(r"\.(one|other)$", "", key)

    assert {base(k) for k in english} == {base(k) for k in japanese}
    for key, text in japanese.items():
        source = english.get(key) or english.get(base(key) + ".other") or ""
        assert set(re.findall(r"\{\w+\}", text)) == set(re.findall(r"\{\w+\}", source)), key


def test_every_message_key_used_in_the_code_exists() -> None:
    english = json.loads((STATIC / "i18n" / "en.json").read_text("utf-8"))
    keys = {re.sub(r"\.(one|other)$", "", k) for k in english}
    sources = [*STATIC.glob("*.js"), *Path(STATIC.parent.parent, "account").rglob("*.js")]
    sources += list(Path(STATIC.parent.parent, "account", "templates").glob("*.html"))
    used: set[str] = set()
    for path in sources:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+)["']""", path.read_text("utf-8")))
    assert used, "no message keys found"
    assert used - keys == set()


def test_language_choice() -> None:
    assert pick_language("ja", None) == "ja"
    assert pick_language(None, "fr-FR,ja;q=0.8,en;q=0.5") == "ja"
    assert pick_language(None, "de") == "en"
    assert pick_language("xx", "en-GB") == "en"
