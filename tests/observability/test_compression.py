"""Compression: static bundles precompressed once, API and pages compressed per response."""

from __future__ import annotations

import gzip

import brotli
import httpx
import pytest

from factories import make_comment, make_reader, make_story
from rejoinder.account_page.pages import account_bundle
from rejoinder.comments.reading import page_key
from rejoinder.desk.pages import desk_bundle
from rejoinder.kernel.encodings import accepted_encodings
from rejoinder.runtime import Runtime
from rejoinder.widget.api import widget_bundle

Client = httpx.AsyncClient


def _static_urls() -> list[tuple[str, bytes]]:
    widget, account, desk = widget_bundle(), account_bundle(), desk_bundle()
    return [
        ("/embed.js", widget.assets["embed.js"].body),
        (f"/widget/v/{widget.version}/widget.js", widget.assets["widget.js"].body),
        (f"/widget/v/{widget.version}/widget.css", widget.assets["widget.css"].body),
        (f"/account/static/v/{account.version}/account.js", account.assets["account.js"].body),
        (f"/admin/v/{desk.version}/desk.js", desk.assets["desk.js"].body),
    ]


async def _raw(client: Client, url: str, accept: str, **headers: str) -> httpx.Response:
    """The response as sent: streamed without httpx's transparent decoding."""
    request = client.build_request("GET", url, headers={"Accept-Encoding": accept, **headers})
    response = await client.send(request, stream=True)
    response._content = b"".join([part async for part in response.aiter_raw()])
    return response


@pytest.mark.parametrize(("url", "body"), _static_urls())
async def test_static_files_are_sent_precompressed(client: Client, url: str, body: bytes) -> None:
    br = await _raw(client, url, "gzip, deflate, br")
    assert br.status_code == 200
    assert br.headers["content-encoding"] == "br"
    assert br.headers["vary"] == "Accept-Encoding"
    assert brotli.decompress(br.content) == body
    assert len(br.content) < len(body) / 2
    gz = await _raw(client, url, "gzip")
    assert gz.headers["content-encoding"] == "gzip"
    assert gzip.decompress(gz.content) == body
    plain = await _raw(client, url, "identity")
    assert "content-encoding" not in plain.headers
    assert plain.headers["vary"] == "Accept-Encoding"
    assert plain.content == body
    refused = await _raw(client, url, "br;q=0, gzip;q=0.5")
    assert refused.headers["content-encoding"] == "gzip"
    # each representation has its own validator, and each revalidates
    assert len({br.headers["etag"], gz.headers["etag"], plain.headers["etag"]}) == 3
    again = await _raw(client, url, "br", **{"If-None-Match": br.headers["etag"]})
    assert again.status_code == 304


async def test_embed_js_names_its_charset_once(client: Client) -> None:
    response = await client.get("/embed.js")
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    count = await client.get("/count.js")
    assert count.headers["content-type"] == "text/javascript; charset=utf-8"
    css = await client.get(f"/widget/v/{widget_bundle().version}/widget.css")
    assert css.headers["content-type"] == "text/css; charset=utf-8"


async def test_json_and_pages_are_compressed_when_accepted(
    client: Client, runtime: Runtime
) -> None:
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    for number in range(8):
        await make_comment(runtime, reader, story, f"Comment number {number} " + "words " * 20)
    url = f"/api/v1/sites/news/stories/{story}/comments"
    page = await _raw(client, url, "br, gzip", Origin="https://news.test")
    assert page.status_code == 200
    assert page.headers["content-encoding"] == "br"
    assert "Accept-Encoding" in page.headers["vary"]
    assert "Origin" in page.headers["vary"]
    assert b'"comments"' in brotli.decompress(page.content)
    gz = await _raw(client, "/api/docs/openapi.json", "gzip")
    assert gz.headers["content-encoding"] == "gzip"
    assert b'"openapi"' in gzip.decompress(gz.content)
    html = await _raw(client, "/account", "br")
    assert html.headers["content-encoding"] == "br"
    small = await _raw(client, "/healthz", "br, gzip")
    assert "content-encoding" not in small.headers  # below the minimum size: not worth it
    plain = await _raw(client, "/api/docs/openapi.json", "identity")
    assert "content-encoding" not in plain.headers


def test_accept_encoding_parsing() -> None:
    assert accepted_encodings("gzip, deflate, br") == {"gzip", "deflate", "br"}
    assert accepted_encodings("br;q=0, GZIP;q=0.8") == {"gzip"}
    assert accepted_encodings(None) == set()
    assert accepted_encodings("br;q=nonsense") == {"br"}


async def test_cached_pages_are_compressed_once_on_a_hit_and_served_by_what_is_accepted(
    client: Client, runtime: Runtime
) -> None:
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    for number in range(8):
        await make_comment(runtime, reader, story, f"Comment number {number} " + "words " * 20)
    url = f"/api/v1/sites/news/stories/{story}/comments"
    first = await _raw(client, url, "identity")  # fills the cache
    assert "content-encoding" not in first.headers
    key = page_key("news", story, "newest", runtime.settings.comments.page_size)
    cached = await runtime.cache.get(key, runtime.clock.now().timestamp())
    assert cached is not None
    assert cached.packed is None  # not compressed when stored: only on a hit that asks
    assert cached.body == first.content
    for accept, encoded in (("gzip, br", True), ("br;q=0, gzip", False), ("identity", False)):
        hit = await _raw(client, url, accept)
        assert hit.status_code == 200
        assert "Accept-Encoding" in hit.headers["vary"]
        if encoded:
            assert hit.headers["content-encoding"] == "br"
            assert cached.packed is not None
            assert brotli.decompress(hit.content) == cached.body
            assert hit.content == cached.packed
            assert int(hit.headers["content-length"]) == len(cached.packed)
        else:
            assert "content-encoding" not in hit.headers
            assert hit.content == cached.body
