"""Phrase patterns compiled to one regular expression over the folded text.

The pattern syntax is the threat list's (``"[the mayor|the judge] should [hang|die]"``), but
where expanding every combination into the word-list automaton would cost seconds at start-up
(tens of thousands of phrases), a regex keeps the alternation as it is written and compiles in
milliseconds. Matching runs on :class:`~.wordlist.Prepared` text, so it sees the same folding
as the word lists (case, leetspeak, spaced letters), and spans map back to the original.

Edges follow the word lists' rules: a Latin edge needs a word boundary; a katakana edge must
not continue a katakana word, a kanji edge must not continue a kanji compound.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rejoinder.moderation.text.normalize import fold
from rejoinder.moderation.text.wordlist import Prepared, WordList

__all__ = ["PatternMatch", "PatternSet", "to_regex"]

_GROUP = re.compile(r"\[([^\]]*)\]")
_KATAKANA = "\u30a1-\u30ff\uff66-\uff9f"
_KANJI = "\u3400-\u9fff\uf900-\ufaff"


def _before(ch: str) -> str:
    if re.match(f"[{_KATAKANA}]", ch):
        return f"(?<![{_KATAKANA}])"
    if re.match(f"[{_KANJI}]", ch):
        return f"(?<![{_KANJI}])"
    if re.match(r"[^\W_]", ch):
        return r"(?<![^\W_])"
    return ""


def _after(ch: str) -> str:
    if re.match(f"[{_KATAKANA}]", ch):
        return f"(?![{_KATAKANA}])"
    if re.match(f"[{_KANJI}]", ch):
        return f"(?![{_KANJI}])"
    if re.match(r"[^\W_]", ch):
        return r"(?![^\W_])"
    return ""


def to_regex(pattern: str, *, left_edge: bool = True) -> str:
    """The regex for one pattern: groups become alternations, edges get their boundaries."""
    # split() alternates literal text and group contents: odd indexes are groups.
    pieces = _GROUP.split(pattern)
    present = [i for i, p in enumerate(pieces) if p]
    out: list[str] = []
    for i, piece in enumerate(pieces):
        if not piece:
            continue
        alternatives = piece.split("|") if i % 2 else [piece]
        rendered = []
        for alt in alternatives:
            # Group alternatives are words and phrases: fold them like the comment ("you'll").
            text = re.escape(fold(alt) if i % 2 and alt else alt)
            if left_edge and i == present[0] and alt:
                text = _before(alt[0]) + text
            if i == present[-1] and alt:
                text += _after(alt[-1])
            rendered.append(text)
        out.append("(?:" + "|".join(rendered) + ")" if i % 2 else rendered[0])
    return "".join(out)


@dataclass(frozen=True, slots=True, order=True)
class PatternMatch:
    """A pattern found in a comment; ``start:end`` spans the original text."""

    start: int
    end: int
    phrase: str


class PatternSet:
    """Patterns matched head first: the first word (or group) through the word-list automaton,
    the rest as a regex anchored where the head ends. One alternation tried at every position
    of a comment would cost milliseconds; tried only after a head, microseconds."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(" ".join(p.split()) for p in patterns)
        tails: dict[str, list[re.Pattern[str]]] = {}
        for pattern in self.patterns:
            pieces = _GROUP.split(pattern)
            if pieces[0]:  # a literal head: its first word
                word, _, rest = pieces[0].partition(" ")
                heads, tail = [word], (" " if rest or len(pieces) > 1 else "") + rest
                tail += "".join(f"[{p}]" if i % 2 else p for i, p in enumerate(pieces[1:], 1))
            else:
                heads = pieces[1].split("|")
                tail = "".join(f"[{p}]" if i % 2 else p for i, p in enumerate(pieces[2:], 2))
            regex = re.compile(to_regex(tail, left_edge=False)) if tail else re.compile("")
            for head in heads:
                tails.setdefault(fold(head), []).append(regex)
        self._heads = WordList(tails)
        self._tails = tails

    def find(self, text: str | Prepared) -> list[PatternMatch]:
        prepared = text if isinstance(text, Prepared) else Prepared(text)
        found: set[PatternMatch] = set()
        for folded in prepared.variants:
            canon = folded.text
            for start, end, head in self._heads.scan_folded(folded):
                for tail in self._tails[head]:
                    match = tail.match(canon, end)
                    if match is not None:
                        a, b = folded.span(start, match.end())
                        found.add(PatternMatch(a, b, canon[start : match.end()]))
        return sorted(found)
