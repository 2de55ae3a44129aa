"""The public takedown form (issue #14): what a person without an account sees and sends."""

from __future__ import annotations

import html

import httpx
import pytest
from sqlalchemy import select

from factories import make_comment, make_reader, make_story
from rejoinder.policies.models import takedown_messages, takedown_requests
from rejoinder.runtime import Runtime

Client = httpx.AsyncClient
URL = "/takedown/news"


async def link(runtime: Runtime) -> str:
    author = await make_reader(runtime)
    story = await make_story(runtime)
    comment = await make_comment(runtime, author, story, "A harsh claim")
    return f"https://news.test/story#comment-{comment['id']}"


def filled(permalink: str, **change: str) -> dict[str, str]:
    return {
        "permalink": permalink,
        "reason": "privacy",
        "contact_name": "Hanako Yamashita",
        "contact_email": "hanako@example.jp",
        "statement": "It publishes my home address.",
        "declaration": "yes",
        "website": "",
        **change,
    }


async def test_the_form_in_english_and_japanese(client: Client, runtime: Runtime) -> None:
    permalink = await link(runtime)
    english = await client.get(URL, params={"comment": permalink})
    assert english.status_code == 200
    page = english.text
    assert '<html lang="en">' in page
    assert "Request the removal of a comment" in page
    assert f'value="{permalink}"' in page  # the comment filled in from the widget's link
    assert "Privacy (personal information published without consent)" in page
    assert "within 7 days" in page
    assert "frame-ancestors 'none'" in english.headers["content-security-policy"]
    japanese = await client.get(URL, headers={"Accept-Language": "ja,en;q=0.5"})
    assert '<html lang="ja">' in japanese.text
    assert "コメントの削除依頼" in japanese.text
    assert "名誉毀損" in japanese.text
    assert (await client.get("/takedown/nowhere")).status_code == 404


async def test_every_problem_is_said_at_once_next_to_its_field(client: Client) -> None:
    response = await client.post(
        URL,
        data={"permalink": "https://news.test/story", "contact_email": "nope", "lang": "en"},
    )
    assert response.status_code == 422
    page = response.text
    assert 'id="takedown-errors"' in page
    for text in (
        "Paste the link to the comment (it ends in #comment- and a number).",
        "Choose a reason.",
        "Enter your name.",
        "Enter a valid e-mail address (for example name@example.com).",
        "Say why the comment should be removed.",
        "Confirm that the information is accurate.",
    ):
        assert page.count(text) == 2, text  # in the summary and beside the field
    assert 'aria-invalid="true"' in page
    assert 'value="nope"' in page  # what was typed stays
    japanese = await client.post(URL, data={"lang": "ja"})
    assert "理由を選んでください。" in japanese.text
    assert "内容が正確であることを確認してください。" in japanese.text


async def test_a_request_is_filed_and_answered_in_its_language(
    client: Client, runtime: Runtime
) -> None:
    permalink = await link(runtime)
    response = await client.post(URL, data={**filled(permalink), "lang": "ja"})
    assert response.status_code == 200, response.text
    assert "削除依頼を受け付けました" in response.text
    assert "hanako@example.jp" in response.text
    assert f'<a href="{permalink}">記事に戻る</a>' in response.text  # a page of the site
    async with runtime.db.read() as conn:
        request = (await conn.execute(select(takedown_requests))).one()
        message = (await conn.execute(select(takedown_messages))).one()
    assert (request.reason, request.language, request.permalink) == ("privacy", "ja", permalink)
    assert message.subject.endswith(f"削除依頼 #{request.id} を受け付けました")
    assert "Hanako Yamashita 様" in message.body


async def test_a_link_to_no_comment_is_refused_beside_the_link(
    client: Client, runtime: Runtime
) -> None:
    response = await client.post(URL, data=filled("https://news.test/story#comment-999999"))
    assert response.status_code == 404
    assert "There is no comment at that link on The Daily Planet" in response.text


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Origin": "https://evil.test"}, 403),
        ({"Referer": "https://evil.test/page"}, 403),
        ({"Origin": "null"}, 403),
        ({"Origin": "https://news.test"}, 200),  # one of the site's allowed domains
        ({"Origin": "http://rejoinder.test"}, 200),  # Rejoinder's own page
        ({}, 200),
    ],
)
async def test_posts_from_other_sites_are_refused(
    client: Client, runtime: Runtime, headers: dict[str, str], status: int
) -> None:
    response = await client.post(URL, data=filled(await link(runtime)), headers=headers)
    assert response.status_code == status
    if status == 403:
        shown = html.unescape(response.text)
        assert "This form can only be sent from The Daily Planet's own pages." in shown


async def test_robots_and_floods_are_turned_away(client: Client, runtime: Runtime) -> None:
    permalink = await link(runtime)
    trapped = await client.post(URL, data=filled(permalink, website="http://spam.test"))
    assert trapped.status_code == 422
    assert "The request could not be accepted." in trapped.text
    for _ in range(5):
        assert (await client.post(URL, data=filled(permalink))).status_code == 200
    flooded = await client.post(URL, data=filled(permalink))
    assert flooded.status_code == 429
    assert "Too many requests from your connection. Please try again in" in flooded.text
    async with runtime.db.read() as conn:
        count = len((await conn.execute(select(takedown_requests.c.id))).all())
    assert count == 5


async def test_too_long_is_refused_and_control_characters_dropped(
    client: Client, runtime: Runtime
) -> None:
    permalink = await link(runtime)
    response = await client.post(URL, data=filled(permalink, statement="x" * 10_001))
    assert response.status_code == 422
    assert "This is too long (at most 10000 characters)." in response.text
    # As the API does: invisible control characters are dropped, not stored.
    response = await client.post(URL, data=filled(permalink, contact_name="A\u0007B"))
    assert response.status_code == 200
    async with runtime.db.read() as conn:
        names = (await conn.execute(select(takedown_requests.c.contact_name))).scalars().all()
    assert names == ["AB"]
