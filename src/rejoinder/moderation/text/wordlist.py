"""Word lists matched in one pass over a comment with an Aho-Corasick automaton.

Entries and comments go through the same :func:`~.normalize.fold_mapped`, so an
entry written plainly ("fuck", "kill yourself", "死ね") also catches "F.U.C.K",
"fuuuuck", "sh1t", "kill - your self"... (see :mod:`.normalize` for what folds).

Matching rules:

* an entry whose edge is a letter of a spaced script (Latin, Cyrillic, Greek,
  Hangul...) must sit on a word boundary at that edge, so "cunt" does not fire in
  "Scunthorpe", nor "ass" in "class", "sex" in "Essex", "cock" in "cockpit";
* an edge in a script written without spaces (Japanese, Chinese, Thai) needs a
  *token* boundary, which there is where the script changes: a katakana edge must not
  continue a katakana word (バカ is not in バカンス, クズ is not in クズベリー), a kanji
  edge must not continue a kanji compound (死ね is in お前は死ね, 低能 is not in
  低能率). Hiragana edges need none: particles and endings attach ("死ねばいい"). A
  Latin entry next to such text counts as bounded ("fuckお前");
* a match inside a *spared* phrase (idioms: 親バカ, 馬鹿にならない) is dropped.
* a comment with a stretched word is matched twice: as folded (runs of 3+ squeezed
  to two, so "assss" is "ass") and with runs squeezed to one ("fuuuuck" is "fuck").

The automaton is built once (linear in the total entry length) and a match costs
one pass over the folded text plus the matches found: no regex, no backtracking.
A comment in spaced scripts only, with no spelled-out run (most comments), takes a
faster path with the same answers: there every match is a run of whole words, so
looking word runs up in a table (only those that start with an entry's first word)
finds exactly what the automaton would, at a fraction of the cost in Python.
"""

from __future__ import annotations

import functools
import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rejoinder.moderation.text.normalize import Folded, fold, fold_mapped
from rejoinder.moderation.text.scripts import is_unspaced

__all__ = [
    "SPARED_PHRASES_PATH",
    "SUSPECT_WORDS_PATH",
    "Match",
    "Prepared",
    "WordList",
    "default_suspect_words",
    "read_word_file",
]

# Characters of scripts written without spaces (the ranges of :func:`.scripts.is_unspaced`).
_UNSPACED = re.compile(
    "[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f\u31f0-\u31ff"
    "\uff66-\uff9f\u3005-\u3007\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]"
)
SUSPECT_WORDS_PATH = Path(__file__).parent / "data" / "suspect_words.txt"
SPARED_PHRASES_PATH = Path(__file__).parent / "data" / "spared_phrases.txt"


@dataclass(frozen=True, slots=True, order=True)
class Match:
    """An entry found in a comment; ``start:end`` is the span in the original text."""

    start: int
    end: int
    entry: str


class Prepared:
    """A comment folded once, for matching against any number of word lists.

    ``variants`` is the canonical folding, plus the squeeze-to-one folding when the
    comment stretches a word ("fuuuuck").
    """

    __slots__ = ("text", "variants")

    def __init__(self, text: str) -> None:
        self.text = text
        folded = fold_mapped(text)
        self.variants: tuple[Folded, ...] = (
            (folded, fold_mapped(text, squeeze_to=1)) if folded.squeezed else (folded,)
        )


def _bounded(ch: str) -> bool:
    """Whether an entry edge next to ``ch`` sits on a word boundary."""
    return ch == " " or is_unspaced(ch)


def _katakana(ch: str) -> bool:
    return "\u30a1" <= ch <= "\u30ff" or "\uff66" <= ch <= "\uff9f"


def _kanji(ch: str) -> bool:
    o = ord(ch)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3134F


def _joins(edge: str, neighbour: str) -> bool:
    """Whether an unspaced entry's ``edge`` character continues into ``neighbour`` (one token)."""
    if _katakana(edge):
        return _katakana(neighbour)
    if _kanji(edge):
        return _kanji(neighbour)
    return False


class WordList:
    """An immutable set of words and phrases, compiled once, matched many times.

    Entries are folded like comments; entries that fold to the same text are kept
    once (the first spelling is the one reported). Empty entries are ignored.
    """

    __slots__ = ("_fail", "_firsts", "_goto", "_keys", "_out", "_spared", "_words", "entries")

    def __init__(self, entries: Iterable[str], spared: Iterable[str] = ()) -> None:
        seen: dict[str, str] = {}
        for entry in entries:
            key = fold(entry.strip())
            if key and key not in seen:
                seen[key] = entry.strip()
        self.entries: tuple[str, ...] = tuple(seen.values())
        # Per key: its length and whether each edge needs a word boundary.
        self._keys: list[tuple[str, int, bool, bool]] = [
            (entry, len(key), not is_unspaced(key[0]), not is_unspaced(key[-1]))
            for key, entry in seen.items()
        ]
        self._goto, self._fail, self._out = _automaton(list(seen))
        # The fast path's tables: spaced-script keys by text, and per first word the
        # numbers of words of the keys that start with it (longest first).
        self._words: dict[str, int] = {}
        firsts: dict[str, set[int]] = {}
        for index, key in enumerate(seen):
            if not _UNSPACED.search(key):
                self._words[key] = index
                words = key.split(" ")
                firsts.setdefault(words[0], set()).add(len(words))
        self._firsts = {w: tuple(sorted(n, reverse=True)) for w, n in firsts.items()}
        spared = tuple(spared)
        self._spared = WordList(spared) if spared else None

    def __len__(self) -> int:
        return len(self._keys)

    def __bool__(self) -> bool:
        return bool(self._keys)

    def find(self, text: str | Prepared) -> list[Match]:
        """Every entry occurrence in ``text``, by position; overlapping matches included.

        Pass a :class:`Prepared` comment to fold it once for several lists.
        """
        if not self._keys:
            return []
        prepared = text if isinstance(text, Prepared) else Prepared(text)
        found: set[Match] = set()
        for folded in prepared.variants:
            found |= self._scan(folded)
        if found and self._spared is not None:
            spared = self._spared.find(prepared)
            found = {
                m for m in found if not any(s.start < m.end and m.start < s.end for s in spared)
            }
        return sorted(found)

    def contains_any(self, text: str | Prepared) -> bool:
        """Whether ``text`` holds at least one entry."""
        return bool(self.find(text))

    def scan_folded(self, folded: Folded) -> list[tuple[int, int, str]]:
        """Matches as ``(start, end, entry)`` in the *folded* text's coordinates, by end
        (then by start), as the automaton reports them."""
        text = folded.text
        if not folded.spelled and (text.isascii() or not _UNSPACED.search(text)):
            return self._scan_words(folded.words or tuple(text.split(" ")))
        return self._scan_automaton(folded)

    def _scan_words(self, tokens: tuple[str, ...]) -> list[tuple[int, int, str]]:
        """The fast path: whole-word runs looked up (spaced scripts, no spelled-out run)."""
        firsts, words, keys = self._firsts, self._words, self._keys
        if firsts.keys().isdisjoint(tokens):
            return []  # most comments: no word starts an entry (one pass in C)
        found: list[tuple[int, int, str]] = []
        offset = 0
        for j, token in enumerate(tokens):
            sizes = firsts.get(token)
            if sizes is not None:
                for size in sizes:
                    if j + size > len(tokens):
                        continue
                    key = " ".join(tokens[j : j + size]) if size > 1 else token
                    index = words.get(key)
                    if index is not None:
                        found.append((offset, offset + len(key), keys[index][0]))
            offset += len(token) + 1
        found.sort(key=lambda m: (m[1], m[0]))
        return found

    def _scan_automaton(self, folded: Folded) -> list[tuple[int, int, str]]:
        """The general path: one pass of the automaton, word boundaries checked per match."""
        text = folded.text
        goto, fail, out, keys = self._goto, self._fail, self._out, self._keys
        last = len(text) - 1
        found: list[tuple[int, int, str]] = []
        node = 0
        for i, ch in enumerate(text):
            edges = goto[node]
            while node and ch not in edges:
                node = fail[node]
                edges = goto[node]
            node = edges.get(ch, 0)
            if not out[node]:
                continue
            for index in out[node]:
                entry, length, left, right = keys[index]
                start = i + 1 - length
                if start and (
                    (left and not _bounded(text[start - 1]) and not folded.inside_spelling(start))
                    or (not left and _joins(text[start], text[start - 1]))
                ):
                    continue
                if i < last and (
                    (right and not _bounded(text[i + 1]) and not folded.inside_spelling(i + 1))
                    or (not right and _joins(ch, text[i + 1]))
                ):
                    continue
                found.append((start, i + 1, entry))
        return found

    def _scan(self, folded: Folded) -> set[Match]:
        return {Match(*folded.span(a, b), entry) for a, b, entry in self.scan_folded(folded)}


def read_word_file(path: Path) -> list[str]:
    """Entries of a word-list file: one a line, blank lines and ``#`` comments skipped."""
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


@functools.cache
def default_suspect_words() -> WordList:
    """The shipped suspect-word list (profanity aimed at people, slurs), compiled once."""
    return WordList(read_word_file(SUSPECT_WORDS_PATH), read_word_file(SPARED_PHRASES_PATH))


def _automaton(keys: list[str]) -> tuple[list[dict[str, int]], list[int], list[tuple[int, ...]]]:
    """Aho-Corasick over ``keys``: goto edges, fail links, and outputs per node.

    A node's outputs include those of its fail target (computed breadth-first, so
    the target's are final first), so a scan never walks fail chains to report.
    """
    goto: list[dict[str, int]] = [{}]
    ends: dict[int, list[int]] = {}  # most nodes end no key: keep only those that do
    for index, key in enumerate(keys):
        node = 0
        for ch in key:
            edges = goto[node]
            nxt = edges.get(ch)
            if nxt is None:
                nxt = edges[ch] = len(goto)
                goto.append({})
            node = nxt
        ends.setdefault(node, []).append(index)
    fail = [0] * len(goto)
    queue = deque(goto[0].values())
    while queue:
        node = queue.popleft()
        for ch, child in goto[node].items():
            queue.append(child)
            target = fail[node]
            while target and ch not in goto[target]:
                target = fail[target]
            target = goto[target].get(ch, 0)
            if target != child:  # depth-1 nodes fail to the root
                fail[child] = target
                if target in ends:
                    ends.setdefault(child, []).extend(ends[target])
    out: list[tuple[int, ...]] = [()] * len(goto)
    for node, indexes in ends.items():
        out[node] = tuple(indexes)
    return goto, fail, out
