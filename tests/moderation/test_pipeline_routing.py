"""Routing through the real write path: threats and dehumanisation are held at once, the nudge
is for incivility, a threat quoted in a report is flagged and published, and scores never
reject on their own."""

from __future__ import annotations

import pytest

from factories import make_reader, make_story
from moderation.support import Poster
from rejoinder.kernel.errors import Invalid
from rejoinder.runtime import Runtime


@pytest.mark.parametrize(
    ("body", "phase"),
    [
        ("The mayor should be hanged.", "threats"),
        ("Someone should shoot the senator.", "threats"),
        ("お前を殺してやる", "threats"),
        ("首相は死ぬべき", "threats"),
        ("Muslims are vermin and should be driven out.", "dehumanisation"),
        ("在日韓国人はゴキブリだ", "dehumanisation"),
    ],
)
async def test_threats_and_dehumanisation_are_held_at_once(
    runtime: Runtime, post: Poster, body: str, phase: str
) -> None:
    created = await post(await make_reader(runtime), await make_story(runtime), body)
    assert created["moderation"]["status"] == "pending"  # not a 422 nudge first
    assert created["comment"]["status"] == "pending"
    check = await post.check(created["comment"]["id"])
    assert phase in check.trace


async def test_incivility_is_nudged_first(runtime: Runtime, post: Poster) -> None:
    reader, story = await make_reader(runtime), await make_story(runtime)
    with pytest.raises(Invalid) as nudge:
        await post(reader, story, "You are a pathetic idiot and nobody wants you here.")
    assert nudge.value.code == "comment_nudged"


@pytest.mark.parametrize(
    "body",
    [
        'The court heard he told her "I will kill you" before the attack.',
        "被告は「殺してやる」と叫んだと検察は述べた。",
    ],
)
async def test_a_threat_quoted_in_a_report_is_flagged_not_held(
    runtime: Runtime, post: Poster, body: str
) -> None:
    created = await post(await make_reader(runtime), await make_story(runtime), body)
    assert created["moderation"]["status"] == "published"
    assert (await post.check(created["comment"]["id"])).flagged


@pytest.mark.parametrize(
    "body",
    [
        "Holy shit, what a finish to the match last night!",
        "The defendant was found guilty of manslaughter after the stabbing.",
        "I completely disagree with the mayor, and she should resign over this.",
        "My neighbours are a gay couple and they are lovely.",
        "Kill the bill before it does more damage.",
        "東京の天気は晴れです。",
        "バカンスの予定を立てています。",
        "容疑者は殺人の疑いで逮捕された。",
    ],
)
async def test_civil_news_comments_are_published(runtime: Runtime, post: Poster, body: str) -> None:
    created = await post(await make_reader(runtime), await make_story(runtime), body)
    assert created["moderation"]["status"] == "published", body


@pytest.mark.parametrize(
    "body",
    [
        "お前は本当に無能なクズだな",
        "頭悪すぎ、お前みたいな能無しは黙ってろ",  # no listed word: the model reads it
    ],
)
async def test_japanese_abuse_is_caught(runtime: Runtime, post: Poster, body: str) -> None:
    with pytest.raises(Invalid) as nudge:
        await post(await make_reader(runtime), await make_story(runtime), body)
    assert nudge.value.code == "comment_nudged"
