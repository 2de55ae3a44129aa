"""The features the toxicity model reads: words, word pairs and character n-grams.

One function, used by the trainer and at run time, so the two can never disagree. Spaced
scripts give words, adjacent word pairs and 3-5 character n-grams inside each word (padded
with spaces, so "idiot" and "1d1ot" share " id", "ot "...); scripts written without spaces
(Japanese, Chinese) give character 1-3 grams of each run (no single hiragana: particles
such as は carry no meaning alone), which needs no tokeniser and still sees 殺して, てやる,
死ね across inflections.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata

from rejoinder.moderation.text.scripts import is_unspaced

__all__ = ["features"]

_MAX_CHARS = 2000  # a long comment's first 2,000 characters say enough, and bound the cost
_RUN = re.compile(r"[^\W_]+|[@$*]+")
_CJK = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f\u3005-\u3007\u31f0-\u31ff"
# A \w run mixing scripts ("fuckお前") is split where spaced and unspaced scripts meet.
_HIRAGANA = re.compile("[\u3040-\u309f]")
_PIECE = re.compile(f"[{_CJK}]+|[^{_CJK}]+")


def features(text: str) -> set[str]:
    """The set of feature names in ``text`` (binary features: counts say little in a comment)."""
    text = text[:_MAX_CHARS]
    if text.isascii():
        # Most comments: no normalisation to do, no unspaced script, and every run is a word
        # of its own (the sets are unioned in C; the same features as the general path).
        runs = _RUN.findall(text.lower())
        if not runs:
            return set()
        out = set().union(*map(_word_features, runs))
        out.update([f"b{a} {b}" for a, b in itertools.pairwise(runs)])
        return out
    return _features(unicodedata.normalize("NFKC", text).casefold())


def _features(text: str) -> set[str]:
    out: set[str] = set()
    add = out.add
    previous = ""
    for match in _RUN.finditer(text):
        run = match.group()
        pieces = _PIECE.findall(run) if run.isascii() is False else (run,)
        for piece in pieces:
            if is_unspaced(piece[0]):
                n = len(piece)
                for i in range(n):
                    if not _HIRAGANA.match(piece[i]):  # は, を, だ alone say nothing
                        add("j" + piece[i])
                    if i + 1 < n:
                        add("j" + piece[i : i + 2])
                    if i + 2 < n:
                        add("j" + piece[i : i + 3])
                previous = ""
                continue
            out.update(_word_features(piece))
            if previous:
                add("b" + previous + " " + piece)
            previous = piece
    return out


@functools.lru_cache(maxsize=1 << 16)
def _word_features(word: str) -> tuple[str, ...]:
    # Comments reuse the same few thousand words: their n-grams are worth remembering.
    padded = f" {word} "
    n = len(padded)
    grams = ["w" + word]
    for size in (3, 4, 5):
        grams += ["c" + padded[i : i + size] for i in range(n - size + 1)]
    return tuple(grams)
