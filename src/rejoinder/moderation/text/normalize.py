"""Fold comment text into one canonical form for word-list and phrase matching.

The canonical form is a sequence of word tokens separated by single spaces:

* NFKC, then case folding (full-width letters, ligatures, ``ß`` all fold);
* combining marks are stripped from *Latin* letters only ("fück" → "fuck"), because
  in other scripts they carry meaning (Japanese が is not か, Russian й is not и);
* invisible format characters (zero-width space/joiner, soft hyphen) are dropped, so
  they cannot split a word;
* Cyrillic/Greek look-alikes inside a token that also holds Latin letters become
  Latin ("fuck" spelt with a Cyrillic es), since mixed-script words are nearly always
  obfuscation;
* leetspeak (0→o 1→i 3→e 4→a 5→s 7→t @→a $→s) is undone inside a token with at
  least as many letters as digits ("sh1t", "@ss", "a$$", and "@$$" alone), but not
  in numbers or codes ("2024", "$100", the A55 road);
* runs of three or more identical characters are squeezed to two ("fuuuuck" →
  "fuuck", "assss" → "ass", "sooooo" → "soo"), never shortening a real double letter
  ("class", "Essex"); matchers also try the squeeze-to-one variant, which
  :attr:`Folded.squeezed` says is worth trying ("fuuuuck" → "fuck");
* three or more single letters separated by one short, repeated separator join
  into one word ("f.u.c.k", "f u c k", "U.S.A."); where words end inside it is
  unknown, so matchers waive word boundaries there (:meth:`Folded.inside_spelling`);
* apostrophes inside a word are dropped ("you'll" → "youll", as it is also typed;
  "Dick's" → "dicks", so a listed "dick" spares the shop);
* every other run of non-word characters (spaces, punctuation, newlines) becomes
  one space, so multi-word entries match across such variation.

Scripts written without spaces (Chinese, Japanese, Thai, ...) stay contiguous runs;
matchers treat them as substrings, not words (see :func:`.scripts.is_unspaced`).

Every canonical character remembers the span of the original text it came from, so
matches can be reported (and highlighted) in the author's own text. A comment of plain ASCII
words and numbers (most comments) takes a shorter path that works the spans out only when a
match asks for them (:attr:`Folded.source`): the same text, words and spans.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rejoinder.moderation.text.charfold import fold_chars
from rejoinder.moderation.text.scripts import is_unspaced

__all__ = ["Folded", "Token", "fold", "fold_mapped", "tokens"]

_LEET = str.maketrans("013457@$", "oieastas")
_LOOKALIKES = str.maketrans(
    "аеорсухіјѕкмтвнαεικνορτυχ",  # Cyrillic, then Greek (all lower case: text is folded)
    "aeopcyxijskmtbhaeikvoptux",
)
# A word may hold apostrophes between letters: they are dropped, not split on, so
# "you'll" is "youll" (as people also type it) and "Dick's" is not "dick".
_WORD_RUN = re.compile(r"(?:[^\W_]|[@$])+(?:['\u2019\u02bc](?:[^\W_]|[@$])+)*")
_ASCII_WORD_RUN = re.compile(r"[a-z0-9@$]+(?:'[a-z0-9@$]+)*")
_APOSTROPHES = frozenset("'\u2019\u02bc")
_TRIPLE = re.compile(r"(.)\1\1")
_PLAIN = re.compile(r"[a-z]+(?:'[a-z]+)*(?: [a-z]+(?:'[a-z]+)*)*")
_SPELLED = re.compile(r"\b[a-z] [a-z] [a-z]\b")
_NOT_LEET_SYMBOLS = re.compile(r"[^@$]+")
_MAX_LETTER_GAP = 3  # "f. u. c. k" has two-character gaps; a sentence has longer ones


# A word being folded: its text and, per character, the original span it came from.
_Word = tuple[str, Sequence[int], Sequence[int]]
# The same plus the span [a, b) of its run in the case-folded text (to measure gaps).
_Run = tuple[str, Sequence[int], Sequence[int], int, int]


@dataclass(frozen=True, slots=True)
class Folded:
    """Canonical text, and where in the original each of its characters came from.

    ``word_offsets[k]`` is where word ``k`` starts in ``text``; ``word_spans[k]`` holds,
    for each character of that word, the start and the end of its original span.
    """

    text: str
    squeezed: bool  # some run of 3+ was shortened: the squeeze-to-one variant differs
    word_offsets: list[int]
    word_spans: list[tuple[Sequence[int], Sequence[int]]]
    # Canonical ranges of words joined from spelled-out letters ("f u c k y o u"):
    # where the words inside such a run end is unknown, so matchers waive boundaries.
    spelled: tuple[tuple[int, int], ...] = ()
    # ``text`` split on its spaces, once for every word list that scans it.
    words: tuple[str, ...] = ()
    # Set by the plain path (:func:`_plain`): the original text, whose spans are worked out
    # only when a match asks for them (most comments match nothing), and how it was squeezed.
    source: str | None = None
    squeeze_to: int = 2

    def inside_spelling(self, position: int) -> bool:
        """Whether ``position`` falls strictly inside a word joined from single letters."""
        return any(start < position < end for start, end in self.spelled)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of canonical characters ``[start, end)``.

        Both ends must fall on word characters, as matches of folded entries do.
        """
        if self.source is not None and not self.word_offsets:
            full = _fold_general(self.source, self.squeeze_to)
            self.word_offsets.extend(full.word_offsets)
            self.word_spans.extend(full.word_spans)
        offsets = self.word_offsets
        first = bisect.bisect_right(offsets, start) - 1
        last = bisect.bisect_right(offsets, end - 1) - 1
        return (
            self.word_spans[first][0][start - offsets[first]],
            self.word_spans[last][1][end - 1 - offsets[last]],
        )


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the canonical text, with the span of the original it covers.

    ``unspaced`` tokens are runs of a script written without spaces (e.g. a whole
    Japanese clause): they are not words, and word-boundary rules do not apply.
    """

    text: str
    start: int
    end: int
    unspaced: bool


def _squeeze(word: _Word, keep: int) -> _Word:
    """Shorten runs of 3+ identical characters to ``keep`` characters."""
    text, starts, ends = word
    out: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and text[j] == text[i]:
            j += 1
        kept = j - i if j - i < 3 else keep
        out.append(text[i] * kept)
        new_starts.extend(starts[i : i + kept])
        new_ends.extend(ends[i : i + kept])
        new_ends[-1] = ends[j - 1]  # the kept letters stand for the whole run
        i = j
    return "".join(out), new_starts, new_ends


def _pieces(word: str, starts: Sequence[int], ends: Sequence[int]) -> Iterator[_Word]:
    """Drop apostrophes and undo leetspeak in a word run that is not all letters."""
    if not _APOSTROPHES.isdisjoint(word):
        keep = [k for k, c in enumerate(word) if c not in _APOSTROPHES]
        word = "".join(word[k] for k in keep)
        starts = [starts[k] for k in keep]
        ends = [ends[k] for k in keep]
    letters = sum(c.isalpha() for c in word)
    digits = sum(c.isdigit() for c in word)
    # Symbols alone spell too ("@$$"), but a lone "@" or "$" is not a word.
    if (letters and digits <= letters) or (not letters and not digits and len(word) > 1):
        yield _unlookalike(word.translate(_LEET)), starts, ends
    elif "@" in word or "$" in word:
        # A number or a handle ("$100", "@2024"): the symbols separate, not spell.
        for m in _NOT_LEET_SYMBOLS.finditer(word):
            a, b = m.span()
            yield m.group(), starts[a:b], ends[a:b]
    else:
        yield word, starts, ends


def _unlookalike(word: str) -> str:
    if word.isascii():
        return word
    latin = word.translate(_LOOKALIKES)
    return latin if latin != word and any("a" <= c <= "z" for c in word) else word


def fold_mapped(text: str, squeeze_to: int = 2) -> Folded:
    """Fold ``text`` (see the module docstring), keeping original spans.

    ``squeeze_to`` is 2 for the canonical form and 1 for the variant that catches
    stretched words ("fuuuuck"); it is applied only to runs of three or more.
    """
    if text.isascii():
        plain = _plain(text, squeeze_to)
        if plain is not None:
            return plain
    return _fold_general(text, squeeze_to)


# Canonical text of plain ASCII words and numbers: nothing to undo in it (no leetspeak, no
# symbols, no stretched or spelled-out words).
_PLAIN_CANON = re.compile(r"(?:[a-z]+|[0-9]+)(?: (?:[a-z]+|[0-9]+))*")
_LETTER_TRIPLE = re.compile(r"([a-z])\1\1")
_DIGIT_RUN = re.compile(r"([0-9])\1\1+")


def _plain(text: str, squeeze_to: int = 2) -> Folded | None:
    """The folding of an ASCII comment of plain words, without mapping spans (most comments:
    the general path's answer, at a tenth of its cost); None when there is more to fold.

    A number's runs ("1000", "2,000,000") are squeezed here as the general path squeezes
    them; a stretched word ("soooo") goes there."""
    words = _ASCII_WORD_RUN.findall(text.lower())
    canon = " ".join(words).replace("'", "")  # apostrophes inside a word are dropped
    if not canon or not _PLAIN_CANON.fullmatch(canon):
        return None
    tokens = canon.split(" ")
    if sum(len(token) == 1 for token in tokens) >= 3:
        return None  # single letters may spell a word ("f u c k"): the general path joins them
    squeezed = False
    if _TRIPLE.search(canon):
        if _LETTER_TRIPLE.search(canon):
            return None
        canon = _DIGIT_RUN.sub(lambda m: m.group(1) * squeeze_to, canon)
        tokens = canon.split(" ")
        squeezed = True
    return Folded(
        canon,
        squeezed=squeezed,
        word_offsets=[],
        word_spans=[],
        words=tuple(tokens),
        source=text,
        squeeze_to=squeeze_to,
    )


def _fold_general(text: str, squeeze_to: int) -> Folded:
    chars, starts1, ends1, shadow = fold_chars(text)
    runs = _ASCII_WORD_RUN if shadow.isascii() else _WORD_RUN
    words: list[_Run] = []
    singles = 0
    for m in runs.finditer(shadow):
        a, b = m.span()
        word = chars[a:b]
        if word.isalpha():  # the common case: no apostrophe, digit or symbol
            words.append((_unlookalike(word), starts1[a:b], ends1[a:b], a, b))
            singles += b - a == 1
        else:
            for piece in _pieces(word, starts1[a:b], ends1[a:b]):
                words.append((*piece, a, b))
                singles += len(piece[0]) == 1
    squeezed = False
    if _TRIPLE.search(chars):
        for idx, (word, ws, we, a, b) in enumerate(words):
            if _TRIPLE.search(word):
                squeezed = True
                words[idx] = (*_squeeze((word, ws, we), squeeze_to), a, b)
    joined: set[int] = set()
    if singles >= 3:
        words, joined = _join_spelled_letters(words, chars)
    offsets: list[int] = []
    spelled: list[tuple[int, int]] = []
    at = 0
    for index, run in enumerate(words):
        offsets.append(at)
        if index in joined:
            spelled.append((at, at + len(run[0])))
        at += len(run[0]) + 1
    canon = tuple(run[0] for run in words)
    return Folded(
        " ".join(canon),
        squeezed,
        offsets,
        [(run[1], run[2]) for run in words],
        tuple(spelled),
        canon,
    )


def _join_spelled_letters(words: list[_Run], chars: str) -> tuple[list[_Run], set[int]]:
    """Join 3+ single letters split by short, identical gaps: "f.u.c.k", "f u c k".

    Requiring one separator throughout keeps a real one-letter word out of the run
    ("a b-i-t-c-h" is "a bitch", not "abitch"). Also returns which results are joined.
    """
    result: list[_Run] = []
    joined: set[int] = set()
    run: list[_Run] = []
    run_gap: str | None = None

    def flush() -> None:
        if len(run) >= 3:
            joined.add(len(result))
            result.append(
                (
                    "".join(w[0] for w in run),
                    [start for w in run for start in w[1]],
                    [end for w in run for end in w[2]],
                    run[0][3],
                    run[-1][4],
                )
            )
        else:
            result.extend(run)
        run.clear()

    for word in words:
        if not (len(word[0]) == 1 and word[0].isalpha() and not is_unspaced(word[0])):
            flush()
            result.append(word)
            continue
        if run:
            gap = chars[run[-1][4] : word[3]]
            if len(gap) > _MAX_LETTER_GAP or "\n" in gap:
                flush()
            elif run_gap is not None and gap != run_gap:
                # A spelling of 3+ letters ends here; a shorter one lends its last
                # letter to the spelling that starts ("a b-i-t-c-h").
                last = run.pop() if len(run) < 3 else None
                flush()
                if last is not None:
                    run.append(last)
            run_gap = gap if run else None
        run.append(word)
    flush()
    return result, joined


def fold(text: str) -> str:
    """The canonical matching form of ``text`` (see the module docstring)."""
    # Word-list entries are mostly plain lower-case words: skip the mapping work.
    if _PLAIN.fullmatch(text):
        plain = text.replace("'", "")
        if not _TRIPLE.search(plain) and not _SPELLED.search(plain):
            return plain
    return fold_mapped(text).text


def tokens(text: str) -> Iterator[Token]:
    """Yield the canonical words of ``text`` with their original spans.

    A run mixing scripts splits where spaced and unspaced scripts meet ("fuckお前" →
    "fuck", "お前").
    """
    folded = fold_mapped(text)
    canon = folded.text
    i, n = 0, len(canon)
    while i < n:
        if canon[i] == " ":
            i += 1
            continue
        unspaced = is_unspaced(canon[i])
        j = i + 1
        while j < n and canon[j] != " " and is_unspaced(canon[j]) == unspaced:
            j += 1
        start, end = folded.span(i, j)
        yield Token(canon[i:j], start, end, unspaced)
        i = j
