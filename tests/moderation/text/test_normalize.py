"""Folding: what a word list sees of a comment, and where it came from."""

from __future__ import annotations

import pytest

from rejoinder.moderation.text.normalize import fold, fold_mapped, tokens
from rejoinder.moderation.text.threats import THREAT_PATTERNS, expand
from rejoinder.moderation.text.wordlist import SUSPECT_WORDS_PATH, read_word_file


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Fück YOU!!", "fuck you"),  # marks stripped from Latin letters
        ("\uff46\uff55\uff43\uff4b \ufb01ne", "fuck fine"),  # NFKC: full width, ligatures
        ("STRASSE Straße", "strasse strasse"),  # case folding, not just lower()
        ("fu\u200bck", "fuck"),  # a zero-width space does not split a word
        ("fu\u0441k", "fuck"),  # Cyrillic look-alike inside a Latin word
        ("Привет, мир", "привет мир"),  # ... but a Cyrillic word stays Cyrillic
        ("йод", "йод"),  # and keeps its marks (й is not и)
        ("sh1t 5h1t b1tch", "shit shit bitch"),
        ("a$$hole @ss", "asshole ass"),
        ("What an @$$", "what an ass"),
        ("In 2024 we paid $100 on the A55 and M25", "in 2024 we paid 100 on the a55 and m25"),
        ("f.u.c.k, f u c k; f-u-c-k f. u. c. k.", "fuck fuck fuck fuck"),
        ("f u c k y o u", "fuckyou"),  # one spelling: see the word-list boundary waiver
        ("What a b-i-t-c-h", "what a bitch"),  # "a" is a word, not part of the spelling
        ("U.S. and U.K.", "u s and u k"),  # two letters are not a spelling
        ("Kill   -  your.self", "kill your self"),
        ("you'll get what\u2019s coming", "youll get whats coming"),
        ("Dick's shop", "dicks shop"),
        ("お前は死ねばいい", "お前は死ねばいい"),
        ("ｶﾞｷ", "ガキ"),  # half-width kana compose with their voicing mark
        ("がぎ", "がぎ"),  # Japanese voicing marks are kept
        ("नमस्ते दुनिया", "नमस्ते दुनिया"),  # combining vowel signs do not split words
        ("", ""),
        ("!!! ...", ""),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("text", "two", "one"),
    [
        ("fuuuuuck", "fuuck", "fuck"),
        ("assss", "ass", "as"),
        ("soooo good", "soo good", "so good"),
        ("class Essex coffee", "class essex coffee", "class essex coffee"),  # doubles stay
    ],
)
def test_runs_of_three_or_more_are_squeezed(text: str, two: str, one: str) -> None:
    assert fold_mapped(text).text == two
    assert fold_mapped(text, squeeze_to=1).text == one
    assert fold_mapped(text).squeezed == (two != text.lower())


def test_spans_point_back_into_the_original() -> None:
    text = "Oh, F.U.C.K — fuuuuck, Fück and sh1t!"
    folded = fold_mapped(text)
    assert folded.text == "oh fuck fuuck fuck and shit"
    spans = [text[slice(*folded.span(m, m + len(w)))] for m, w in _words(folded.text)]
    assert spans == ["Oh", "F.U.C.K", "fuuuuck", "Fück", "and", "sh1t"]


def test_spans_survive_nfkc_expansion() -> None:
    text = "ﬁne ㍿ test"  # one character becomes two, then four
    folded = fold_mapped(text)
    assert folded.text == "fine 株式会社 test"
    start = folded.text.index("test")
    assert text[slice(*folded.span(start, start + 4))] == "test"


def test_tokens_split_where_spaced_and_unspaced_scripts_meet() -> None:
    found = [(t.text, t.start, t.end, t.unspaced) for t in tokens("fuckお前は Scunthorpe!")]
    assert found == [
        ("fuck", 0, 4, False),
        ("お前は", 4, 7, True),
        ("scunthorpe", 8, 18, False),
    ]


def _words(text: str) -> list[tuple[int, str]]:
    out, at = [], 0
    for word in text.split(" "):
        out.append((at, word))
        at += len(word) + 1
    return out


def test_the_fast_path_for_plain_entries_agrees_with_the_full_fold() -> None:
    entries = [p for pattern in THREAT_PATTERNS for p in expand(pattern)]
    entries += read_word_file(SUSPECT_WORDS_PATH)
    entries += ["a b c", "x y z words", "zzz", "y'all", "it's", "brrr"]
    assert [fold(e) for e in entries] == [fold_mapped(e).text for e in entries]


def test_the_plain_path_for_comments_agrees_with_the_general_fold() -> None:
    """Plain ASCII comments skip the span mapping until a match asks for it: same text, same
    words, and every word's original span the general path gives."""
    import json
    from pathlib import Path

    from rejoinder.moderation.text.normalize import _fold_general, _plain

    corpus = Path(__file__).parents[3] / "data" / "moderation" / "dev.jsonl"
    texts = [json.loads(line)["text"] for line in corpus.read_text(encoding="utf-8").splitlines()]
    texts += ["It's 12'34, can't stop", "a b", "a b c", "x 1 2", "Year 1000", "!!!", "", "A."]
    texts += ["Bench comment 10000123 on the council budget, ref 70000861.", "$1,000,000 fines"]
    texts += ["2000 votes in 1999!!!", "1 2 3", "000 0 000", "Call 555-5555 now", "a 111 b"]
    plain = squeezed = 0
    for text in texts:
        for squeeze_to in (2, 1):
            general = _fold_general(text, squeeze_to)
            fast = _plain(text, squeeze_to) if text.isascii() else None
            if fast is None:
                continue
            plain += 1
            squeezed += fast.squeezed
            assert (fast.text, fast.words, fast.squeezed, fast.spelled) == (
                general.text,
                general.words,
                general.squeezed,
                general.spelled,
            ), text
            for at, word in _words(general.text):
                assert fast.span(at, at + len(word)) == general.span(at, at + len(word)), text
    assert plain > 1000
    assert squeezed >= 10  # numbers with runs ("1000") stay on the plain path
    assert _plain("a b c") is None  # spelled-out letters: the general path joins them
    assert _plain("sh1t") is None  # leetspeak
    assert _plain("soooo") is None  # stretched
