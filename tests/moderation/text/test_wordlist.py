"""Word lists: whole words in spaced scripts, substrings in Japanese, obfuscations."""

from __future__ import annotations

import random

import pytest

from rejoinder.moderation.text.wordlist import (
    SUSPECT_WORDS_PATH,
    Match,
    Prepared,
    WordList,
    default_suspect_words,
    read_word_file,
)

LISTED = WordList(
    [
        *("cunt", "dick", "sex", "cock", "ass", "fuck", "shit", "asshole", "bitch", "kys"),
        *("kill yourself", "死ね", "殺す", "идиот"),
    ]
)


@pytest.mark.parametrize(
    "text",
    [
        "Scunthorpe United won again.",
        "Dick's Sporting Goods is opening a store.",
        "Essex and Sussex police",
        "The pilot stayed in the cockpit.",
        "The assassin in the novel.",
        "My class visited the museum.",
        "Passing the bass to Cassandra.",
        "Shitake? No: shiitake mushrooms.",
        "Kill the bill.",
        "Sextant, Middlesex, sexagenarian",
        "今年の夏のバカンスは北海道",
        "",
    ],
)
def test_innocent_words_that_contain_listed_ones_pass(text: str) -> None:
    assert LISTED.find(text) == []


@pytest.mark.parametrize(
    ("text", "entry", "found"),
    [
        ("What a dick.", "dick", "dick"),
        ("you ASS", "ass", "ASS"),
        ("f.u.c.k this", "fuck", "f.u.c.k"),
        ("f u c k this", "fuck", "f u c k"),
        ("F-U-C-K this", "fuck", "F-U-C-K"),
        ("f u c k y o u", "fuck", "f u c k"),  # boundaries are unknown inside a spelling
        ("sh1t article", "shit", "sh1t"),
        ("fuuuuuuck", "fuck", "fuuuuuuck"),
        ("assss", "ass", "assss"),
        ("a$$hole", "asshole", "a$$hole"),
        ("b!tch", None, None),  # "!" is punctuation, not a letter: a known gap
        ("Fück", "fuck", "Fück"),
        ("\uff46\uff55\uff43\uff4b", "fuck", "\uff46\uff55\uff43\uff4b"),
        ("fu\u0441k", "fuck", "fu\u0441k"),
        ("fu\u200bck", "fuck", "fu\u200bck"),
        ("Kill  -  yourself", "kill yourself", "Kill  -  yourself"),
        ("kill\nyourself", "kill yourself", "kill\nyourself"),
        ("KYS", "kys", "KYS"),
        ("お前は死ねばいい", "死ね", "死ね"),
        ("ぶっ殺すぞ", "殺す", "殺す"),
        ("fuckお前", "fuck", "fuck"),
        ("ты идиот", "идиот", "идиот"),
    ],
)
def test_listed_words_are_found_with_their_original_span(
    text: str, entry: str | None, found: str | None
) -> None:
    matches = LISTED.find(text)
    if entry is None:
        assert matches == []
        return
    assert [(m.entry, text[m.start : m.end]) for m in matches] == [(entry, found)]


def test_every_occurrence_is_reported_in_order() -> None:
    text = "shit, SHIT and sh1t; then kill yourself, f.u.c.k"
    assert LISTED.find(text) == [
        Match(0, 4, "shit"),
        Match(6, 10, "shit"),
        Match(15, 19, "shit"),
        Match(26, 39, "kill yourself"),
        Match(41, 48, "fuck"),
    ]


def test_overlapping_entries_are_all_found() -> None:
    words = WordList(["he", "she", "hers", "his", "ushers"])
    assert [m.entry for m in words.find("ushers")] == ["ushers"]
    cjk = WordList(["お前", "前は", "死ね", "お前は死ね"])
    assert sorted(m.entry for m in cjk.find("お前は死ね")) == ["お前", "お前は死ね", "前は", "死ね"]


def test_entries_are_folded_deduplicated_and_reported_as_written() -> None:
    words = WordList(["Fuck", "FUCK", " f.u.c.k ", "", "  "])
    assert words.entries == ("Fuck",)
    assert len(words) == 1
    assert [m.entry for m in words.find("fuck")] == ["Fuck"]
    assert not WordList([])
    assert WordList([]).find("anything") == []


def test_contains_any() -> None:
    assert LISTED.contains_any("what a dick")
    assert not LISTED.contains_any("Moby Dick's author")


def test_shipped_suspect_words_hold_slurs_not_identities() -> None:
    entries = read_word_file(SUSPECT_WORDS_PATH)
    # Swearing on its own is for the model to judge ("holy shit, what a match" is not abuse);
    # the list keeps the words aimed at people.
    assert "fuck" not in entries
    assert {"motherfucker", "asshole", "cunt"} <= set(entries)
    assert not {"gay", "muslim", "jew", "jewish", "black", "immigrant"} & set(entries)
    words = default_suspect_words()
    assert words.contains_any("you f4gg0t")
    assert not words.contains_any("My Muslim neighbours and the gay couple next door")


def test_a_pathological_list_finds_only_what_is_there() -> None:
    # A pathological list for a backtracking matcher: a^k b for every k. (That matching stays
    # linear in the text is measured by `make bench-pipeline`, not asserted here.)
    words = WordList(["a" * k + "b" for k in range(1, 200)])
    assert words.find("a a " * 5000) == []
    assert [m.entry for m in words.find("x aab y")] == ["aab"]
    assert [m.entry for m in words.find("a a " * 500 + "ab")] == ["ab"]


def test_ten_thousand_entries_find_the_listed_word() -> None:
    rng = random.Random(7)
    entries = ["".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=6)) for _ in range(10_000)]
    words = WordList([*entries, "fuck"])
    comment = ("The council's decision is short-sighted, what a fuck up. " * 9)[:500]
    found = words.find(comment)
    assert {m.entry for m in found} == {"fuck"}
    assert len(found) == comment.count("fuck")
    # Every random entry is found where it stands, on the word path and the automaton's.
    sample = entries[::1000]
    text = " ".join(sample)
    assert [m.entry for m in words.find(text)] == sample
    assert [m.entry for m in words.find("日本語 " + text)] == sample


def test_the_word_path_finds_what_the_automaton_finds() -> None:
    """Comments in spaced scripts without spelled-out runs take the fast path: on every
    sentence of the corpus it answers exactly as the automaton does."""
    import json
    from pathlib import Path

    from rejoinder.moderation.text.threats import ThreatPhrases

    entries = [*read_word_file(SUSPECT_WORDS_PATH), "kill yourself", "go back", "a$$", "x"]
    lists = [WordList(entries), ThreatPhrases()._phrases]
    corpus = Path(__file__).parents[3] / "data" / "moderation" / "dev.jsonl"
    texts = [json.loads(line)["text"] for line in corpus.read_text(encoding="utf-8").splitlines()]
    texts += ["kill   yourself!!", "Go back, go back.", "a$$ hat", "x x x", "", "!!!"]
    compared = 0
    for text in texts:
        for folded in Prepared(text).variants:
            if folded.spelled or not folded.text.isascii():
                continue
            assert folded.words == tuple(folded.text.split(" ")) or not folded.text
            for words in lists:
                assert words.scan_folded(folded) == words._scan_automaton(folded), text
                compared += 1
    assert compared > 2000
