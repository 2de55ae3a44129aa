# ruff: noqa: RUF002 -- names in other scripts and confusables are the subject
"""Finding reserved and offensive words in a display name without the Scunthorpe problem.

A name is compared in a folded form: NFKC, case folding, Katakana folded to Hiragana (so
バカ and ばか are one word), leetspeak undone (``0→o 1→i|l 3→e 4→a 5→s 7→t @→a $→s``),
then the case-insensitive confusable skeleton (so Cyrillic ``а`` is ``a`` and ``rn`` is
``m``). Terms are folded the same way. A term then matches when it equals:

* a whole **token** of the name: the name is split on spaces and separators, at
  camelCase humps (``ModJoe`` → ``Mod``, ``Joe``), and each token is also tried without
  leading or trailing digits (``Mod1``);
* the whole **compact** name, separators and spaces removed (``A d m i n``, ``M.O.D``);
* a **substring** of the compact name, but only for terms of five letters or more, or
  terms marked ``*`` (words of unspaced scripts: 死ね), and never inside a known innocent
  word (``badminton`` hides ``admin``, ``Penistone`` hides ``penis``).

Short words are the ones that hide inside innocent names (Scunthorpe, Cockburn, Essex,
Analyst), so they only ever match on their own.

Entry syntax, shared by ``data/offensive_names.txt`` and the policy's constructor lists:
``word`` (rules above), ``*word`` (substring even when short), ``!word`` (an innocent word
that substring matches must not fall inside); ``#`` starts a comment.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rejoinder.profiles.confusables import uniqueness_skeleton
from rejoinder.profiles.scripts import is_separator

#: Long enough to be unlikely inside an innocent word; shorter terms match whole tokens only.
SUBSTRING_MIN_LETTERS = 5

_LEET_COMMON = str.maketrans({"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_LEET_ONE_AS_I = str.maketrans({"1": "i"})
_LEET_ONE_AS_L = str.maketrans({"1": "l"})
_KATAKANA_TO_HIRAGANA = {point: point - 0x60 for point in range(0x30A1, 0x30F7)}
_EDGE_DIGITS = re.compile(r"^\d+|\d+$")
#: Stands in for a removed innocent word so its neighbours do not join into a new match.
_GAP = "\x00"


def _casefold(text: str) -> str:
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return folded.translate(_KATAKANA_TO_HIRAGANA)


def _folds(text: str) -> set[str]:
    """Every folded spelling of ``text`` (two, because leet ``1`` reads as ``i`` or ``l``)."""
    base = _casefold(text).translate(_LEET_COMMON)
    return {
        uniqueness_skeleton(base.translate(_LEET_ONE_AS_I)),
        uniqueness_skeleton(base.translate(_LEET_ONE_AS_L)),
    }


def _split_camel_case(token: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for index in range(1, len(token)):
        if token[index - 1].islower() and token[index].isupper():
            parts.append(token[start:index])
            start = index
    parts.append(token[start:])
    return parts


def tokens(text: str) -> list[str]:
    """The words of a name: split on spaces, separators and camelCase humps."""
    words = "".join(" " if is_separator(char) else char for char in text).split()
    return [part for word in words for part in _split_camel_case(word)]


@dataclass(frozen=True, slots=True)
class _Term:
    source: str
    folded: str
    anywhere: bool


class WordList:
    """A list of terms to find in display names; see the module docstring for the rules."""

    def __init__(self, entries: Iterable[str]) -> None:
        terms: list[_Term] = []
        innocent: set[str] = set()
        for entry in entries:
            text = entry.split("#", 1)[0].strip()
            if not text:
                continue
            if text.startswith("!"):
                innocent.update(_folds(text[1:]))
                continue
            forced = text.startswith("*")
            word = text.removeprefix("*")
            letters = sum(1 for char in _casefold(word) if char.isalpha())
            anywhere = forced or letters >= SUBSTRING_MIN_LETTERS
            terms.extend(_Term(word, folded, anywhere) for folded in _folds(word) if folded)
        self._terms = tuple(terms)
        # Longest first, so "staffordshire" is removed whole before "stafford" is tried.
        self._innocent = tuple(sorted(innocent, key=len, reverse=True))

    def __len__(self) -> int:
        return len(self._terms)

    def find(self, name: str) -> str | None:
        """The first term found in ``name`` (as written in the list), or ``None``."""
        if not self._terms:
            return None
        compact = _folds(name)
        whole: set[str] = set(compact)
        for token in tokens(name):
            whole.update(_folds(token))
            trimmed = _EDGE_DIGITS.sub("", token)
            if trimmed and trimmed != token:
                whole.update(_folds(trimmed))
        searchable = [self._hide_innocent(form) for form in compact]
        for term in self._terms:
            if term.folded in whole:
                return term.source
            if term.anywhere and any(term.folded in form for form in searchable):
                return term.source
        return None

    def _hide_innocent(self, form: str) -> str:
        for word in self._innocent:
            form = form.replace(word, _GAP)
        return form
