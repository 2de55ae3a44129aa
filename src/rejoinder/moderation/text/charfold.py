"""Character-level folding: NFKC, case folding, accents off Latin letters.

The first stage of :mod:`.normalize`. It works per cluster (a base character and the
combining marks after it) so that each output character keeps the span of the
original text it came from.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from rejoinder.moderation.text.scripts import is_latin

__all__ = ["fold_chars"]

# Half-width katakana voicing marks are letter modifiers, not combining marks, yet
# NFKC turns them into combining ones: keep them in their base's cluster.
_CLUSTER_MARKS = frozenset("\uff9e\uff9f")
_CHAR_INFO: dict[str, tuple[str, bool]] = {}
_CHAR_INFO_LIMIT = 20_000  # distinct characters are few; bound memory against floods


def _fold_cluster(cluster: str) -> str:
    folded = unicodedata.normalize("NFKC", cluster).casefold()
    if not folded.isascii() and folded and is_latin(folded[0]):
        folded = "".join(
            c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c)
        )
        folded = unicodedata.normalize("NFC", folded)
    return folded


def _char_info(ch: str) -> tuple[str, bool]:
    """How a lone character folds, and whether it belongs to the previous cluster.

    Cached per character (a comment repeats few distinct ones); zero-width joiners
    and soft hyphens (category Cf) fold to nothing, so they cannot split a word.
    """
    info = _CHAR_INFO.get(ch)
    if info is None:
        category = unicodedata.category(ch)
        joins = category[0] == "M" or ch in _CLUSTER_MARKS
        info = ("" if category == "Cf" else _fold_cluster(ch), joins)
        if len(_CHAR_INFO) < _CHAR_INFO_LIMIT:
            _CHAR_INFO[ch] = info
    return info


def fold_chars(text: str) -> tuple[str, Sequence[int], Sequence[int], str]:
    """NFKC + casefold + Latin mark stripping, per cluster (base + its marks).

    Returns the folded string, the original span of each of its characters, and a
    "shadow" of the string in which combining marks read as letters, so that the
    word regex (whose ``\\w`` excludes marks) does not split Devanagari or Thai words.
    """
    if text.isascii():
        folded = text.lower()
        return folded, range(len(text)), range(1, len(text) + 1), folded
    infos = [_char_info(ch) for ch in text]
    out: list[str] = []
    shadow: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and infos[j][1]:
            j += 1
        folded = infos[i][0] if j == i + 1 else _fold_cluster(text[i:j])
        if len(folded) == 1:
            out.append(folded)
            shadow.append(folded)
            starts.append(i)
            ends.append(j)
        else:
            for k, c in enumerate(folded):
                out.append(c)
                shadow.append("a" if k and unicodedata.category(c)[0] == "M" else c)
                starts.append(i)
                ends.append(j)
        i = j
    return "".join(out), starts, ends, "".join(shadow)
