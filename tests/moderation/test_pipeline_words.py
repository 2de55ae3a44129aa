"""Word-list phases through the real write path: banned words reject, suspect words hold or
flag; word boundaries spare Scunthorpe; Japanese matches without spaces."""

from __future__ import annotations

import pytest

from factories import make_reader, make_story
from moderation.support import Poster, use_rules
from rejoinder.runtime import Runtime


@pytest.mark.parametrize(
    "body",
    [
        "I grew up in Scunthorpe and still support the club.",
        "Dick's Sporting Goods is closing its store in Essex.",
        "The cockpit crew did a great job, said the class teacher.",
    ],
)
async def test_scunthorpe_style_words_pass(runtime: Runtime, post: Poster, body: str) -> None:
    use_rules(runtime, banned_words=["cunt", "dick", "cock", "ass", "sex"], toxicity_enabled=False)
    reader = await make_reader(runtime)
    story = await make_story(runtime)
    created = await post(reader, story, body)
    assert created["moderation"]["status"] == "published"


async def test_banned_word_rejects_even_obfuscated(runtime: Runtime, post: Poster) -> None:
    use_rules(runtime, banned_words=["scumbag"], toxicity_enabled=False)
    reader = await make_reader(runtime)
    story = await make_story(runtime)
    for body in ("What a scumbag.", "what a S.C.U.M.B.A.G", "scummmbag says what"):
        created = await post(reader, story, body)
        assert created["moderation"]["status"] == "rejected", body
        assert created["moderation"]["reason"] == (
            "Your comment uses words that are not allowed here."
        )
    check = await post.check(created["comment"]["id"])
    assert "banned: scumbag" in check.trace


async def test_banned_japanese_word_matches_inside_a_sentence(
    runtime: Runtime, post: Poster
) -> None:
    use_rules(runtime, banned_words=["死ね"])
    reader = await make_reader(runtime)
    story = await make_story(runtime)
    assert (await post(reader, story, "お前なんか死ねばいい"))["moderation"]["status"] == "rejected"
    calm = await post(reader, story, "死者が出たのは残念です。ご冥福をお祈りします。")
    assert calm["moderation"]["status"] == "published"


async def test_suspect_words_hold_by_default_and_can_flag(runtime: Runtime, post: Poster) -> None:
    use_rules(runtime, suspect_words=["bananas"], toxicity_enabled=False)
    reader = await make_reader(runtime)
    story = await make_story(runtime)
    held = await post(reader, story, "The council went bananas over the budget.")
    assert held["moderation"]["status"] == "pending"
    assert held["comment"]["status"] == "pending"
    use_rules(runtime, suspect_action="flag")
    flagged = await post(reader, story, "Totally bananas, this budget.")
    assert flagged["moderation"]["status"] == "published"
    assert (await post.check(flagged["comment"]["id"])).flagged


async def test_default_suspect_list_holds_japanese_insults(runtime: Runtime, post: Poster) -> None:
    # The list on its own (the model, which reads Japanese now, would nudge the insult first).
    use_rules(runtime, toxicity_enabled=False)
    reader = await make_reader(runtime)
    story = await make_story(runtime)
    held = await post(reader, story, "こいつは本当にバカだな")
    assert held["moderation"]["status"] == "pending"
    fine = await post(reader, story, "東京の天気は晴れです。")
    assert fine["moderation"]["status"] == "published"
    # バカンス ("vacances") contains バカ, but not on a token boundary; 親バカ is an idiom.
    for text in ("バカンスの予定を立てています。", "親バカですみません、うちの子が出てました。"):
        assert (await post(reader, story, text))["moderation"]["status"] == "published", text


async def test_a_suspect_word_quoted_to_condemn_it_is_flagged_not_held(
    runtime: Runtime, post: Poster
) -> None:
    use_rules(runtime, toxicity_enabled=False)
    reader = await make_reader(runtime)
    story = await make_story(runtime)
    for text in (
        "People calling the new GP a 'paki' in the comments should be ashamed.",
        "「ガイジ」って言葉は差別用語だからやめて",
    ):
        counter = await post(reader, story, text)
        assert counter["moderation"]["status"] == "published", text
        assert (await post.check(counter["comment"]["id"])).flagged, text
    # Aimed at the reader, with no quotation marks, the same cue word is no cover.
    aimed = await post(reader, story, "Calling you a paki is too kind.")
    assert aimed["moderation"]["status"] == "pending"
    # Japanese idiom and slur: バカみたいに ("ridiculously") is spared, チョン is held.
    idiom = await post(reader, story, "バカみたいに並んだけど、おいしかった")
    assert idiom["moderation"]["status"] == "published"
    assert (await post(reader, story, "チョンは黙ってろ"))["moderation"]["status"] == "pending"
