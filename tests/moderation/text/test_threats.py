"""Threat phrases: fire on threats at people, not on news about violence."""

from __future__ import annotations

import pytest

from rejoinder.moderation.text.threats import (
    THREAT_PATTERNS,
    ThreatPhrases,
    expand,
    find_threats,
)


def test_expand() -> None:
    assert expand("[i'll|i will] kill [you|u]") == [
        "i'll kill you",
        "i'll kill u",
        "i will kill you",
        "i will kill u",
    ]
    assert expand("get what's coming [|to you]") == [
        "get what's coming",
        "get what's coming to you",
    ]
    assert expand("plain phrase") == ["plain phrase"]


def test_every_pattern_is_well_formed() -> None:
    for pattern in THREAT_PATTERNS:
        assert "{" not in pattern, pattern  # an f-string that lost its f
        assert pattern.count("[") == pattern.count("]"), pattern
        assert all(phrase == phrase.strip() and phrase for phrase in expand(pattern))


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("I will kill you", "i will kill you"),
        ("I'll k1ll u, mark my words", "i'll kill u"),
        ("im gonna shoot you", "i'm gonna shoot you"),
        ("I will hunt you down", "i will hunt you down"),
        ("You should be shot.", "you should be shot"),
        ("He is a traitor and should be hanged", "and should be hanged"),
        ("I know where you live.", "i know where you live"),
        ("We know where your kids go to school", "we know where your kids go to school"),
        ("I hope you die", "hope you die"),
        ("Someone should shoot him", "someone should shoot him"),
        ("Somebody should strangle that woman", "somebody should strangle that woman"),
        ("Go kill yourself", "kill yourself"),
        ("k y s", "kys"),
        ("KYS loser", "kys"),
        ("You'll get what's coming", "you'll get what's coming"),
        ("youll get whats coming", "you'll get what's coming"),
        ("Your days are numbered", "your days are numbered"),
        ("Traitors deserve a bullet", "deserve a bullet"),
        ("お前なんか殺してやる", "殺してやる"),
        ("死ね", "死ね"),
        ("氏ね", "氏ね"),
        ("住所知ってるからな", "住所知ってる"),
        ("お前の職場はもう特定した", "職場はもう特定した"),
        ("編集長の自宅は突き止めた", "自宅は突き止めた"),
        ("議長は夜道に気をつけろ", "夜道に気をつけろ"),
        ("あの判事は処刑されるべき", "処刑されるべき"),
        ("こんな大臣は死ぬべきだ", "死ぬべきだ"),
        ("知事は社会から抹殺されるべきだ", "抹殺されるべき"),
        ("あいつはさっさと死ね", "さっさと死ね"),
        ("お前は生きてる価値がない", "生きてる価値がない"),
        ("犯人は死んで詫びろ", "死んで詫びろ"),
        ("お前を埋めてやるからな", "埋めてやるからな"),
    ],
)
def test_threats_are_found(text: str, phrase: str) -> None:
    assert phrase in [m.phrase for m in find_threats(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Kill the bill!",
        "The police said the gunman threatened to kill",
        "The war killed thousands",
        "This will kill the economy",
        "I'd kill for a coffee",
        "The suspect was shot dead by police",
        "My phone died",
        "I don't know where you live, but the council does.",
        "Smoking will kill you, the doctor warned.",
        "It's gonna kill you, that commute.",
        "The scene should be shot at night.",
        "We all get old and have to die.",
        "I'll shoot you an email with the figures.",
        "You're dead wrong about the budget.",
        "I'll beat you at chess any day.",
        "Prosecutors say he planned to bomb a synagogue.",
        "殺人事件の裁判が来週始まる",
        "事故で3人が死亡した",
        "そんなことしねえよ",
        "犯人は殺されるべきではない、法で裁くべきだ",
        "死刑にすべきでないという意見もある",
        "知事は辞任すべきだ",
        "住所を変更しました",
        "職場は駅の近くです",
        "自宅は郊外にあります",
        "夜道は暗いので気をつけて帰ってね",
    ],
)
def test_news_language_about_violence_does_not_fire(text: str) -> None:
    assert find_threats(text) == []


def test_matches_report_their_pattern_and_span() -> None:
    text = "Listen: I'll  KILL   you."
    [match] = find_threats(text)
    assert text[match.start : match.end] == "I'll  KILL   you"
    assert match.phrase == "i'll kill you"
    assert match.pattern in THREAT_PATTERNS


def test_custom_patterns_and_spared_phrases() -> None:
    phrases = ThreatPhrases(["[i will|i'll] [shoot|soak] [you|u]"], spared=["soak you in"])
    assert phrases.size == 8
    assert [m.phrase for m in phrases.find("I'll soak you!")] == ["i'll soak you"]
    assert phrases.find("I'll soak you in syrup") == []
