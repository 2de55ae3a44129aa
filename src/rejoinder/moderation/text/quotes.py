"""Quoted and reported speech: what a comment says versus what it reports someone said.

Court and crime coverage quotes threats ('the court heard he told her "I will kill you"'), and
counter-speech quotes slurs to condemn them. Such a comment is a job for a moderator's eye
(flag), not a hold. :func:`quoting` finds the quoted spans (straight and curly double and
single quotes, 「…」, 『…』,
and unquoted reported clauses: "saying <…> is hate", "people who say <…> are the problem")
and whether the words *outside* them report or condemn speech (said, told, wrote, the court
heard, calling…, と述べた, という…). A threat written inside quotation marks with no such cue
("My message to the mayor: 'I will kill you'") is still a threat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Quoting", "quoting"]

_QUOTED = re.compile(
    r'"([^"]{2,})"'
    r"|\u201c([^\u201d]{2,})\u201d"
    r"|\u2018([^\u2019]{2,})\u2019"
    r"|(?:(?<=^)|(?<=[\s(\[:,]))'((?:[^']|'(?=[a-z]))[^']*?(?:'[a-z][^']*?)*)'(?=$|[\s.,;:!?)\]])"
    r"|\u300c([^\u300d]{1,})\u300d"
    r"|\u300e([^\u300f]{1,})\u300f"
)
# Reported clauses without quotation marks: "Saying <group> are vermin is hate", "People who
# say the mayor should be hanged are the problem", "whoever wrote that <...>", court reporting's
# "her husband had said he would <...>". A first-person lead ("I say ...", "I had said") is not
# reporting anyone: it is the author speaking.
_REPORTED_CLAUSE = re.compile(
    r"(?<![Ii] )(?<![Ww]e )\b(?:[Ss]aying|who say|who said|who says|who think|who claim|"
    r"who wrote|who writes|[Ww]hoever wrote|[Ww]hoever said|[Ww]hoever posted|"
    r"had said|had told her|had told him|"
    r"[Cc]laiming|[Cc]alling|[Cc]hanting|[Ss]houting|people say|they say|he said|she said|"
    r"[Tt]elling people)(?: that)?\s+(.{4,160}?)(?=\s+(?:is|are|was|were)\s+(?:exactly|the|a|an|"
    r"not|never|just|so|pure|hate|wrong|disgusting|unacceptable|racist|vile|dangerous|"
    r"shameful|sick)\b|[.!?;]|$)"
)
_CUE_EN = re.compile(
    r"\b(?:said|says|say|saying|told|tells|wrote|writes|written|shouted|yelled|screamed|"
    r"heard|read|reads|posted|posts|tweeted|texted|messaged|sent|received|quoted|quotes|"
    r"according to|alleged|allegedly|allegation|court|jury|judge|trial|prosecutors?|police|"
    r"officers?|witness(?:es)?|testified|testimony|indictment|charged|convicted|accused|"
    r"defendant|report(?:s|ed)?|read out|threats? (?:such as|like|including)|graffiti|"
    r"leaflets?|calling|called|the word|words like|slur|phrase|hate|racist|disgusting|"
    r"unacceptable|shameful|never okay|not okay|the real problem|is the problem|wrong|sick|"
    r"upthread|downthread|further (?:up|down)|in the comments|comments? (?:above|below)|"
    r"ashamed|depressing|cruel)\b",
    re.IGNORECASE,
)
_CUE_JA = re.compile(
    r"と(?:述べ|言|い|叫|書|投稿|話|供述|証言|脅|送|主張|発言|呼)|という|なんて|などと|"
    r"脅迫|検察|警察|裁判|被告|容疑者|判決|証言|書き込み|投稿|差別|ヘイト|許せ|やめ|"
    r"などの|メール|手紙|届い|落書き|張り紙|って(?:書|言|呼)"
)


@dataclass(frozen=True, slots=True)
class Quoting:
    """The quoted spans of a comment and whether the rest of it reports or condemns them."""

    spans: tuple[tuple[int, int], ...]
    reported: bool
    outside: str
    marked: tuple[tuple[int, int], ...] = ()  # the spans inside quotation marks alone

    def inside(self, start: int, end: int) -> bool:
        """Whether ``start:end`` (a match in the original text) lies within a quoted span."""
        return any(a <= start and end <= b for a, b in self.spans)

    def inside_marks(self, start: int, end: int) -> bool:
        """Whether ``start:end`` lies within quotation marks (not an unquoted reported clause:
        "calling you a <slur> is too kind" quotes nobody)."""
        return any(a <= start and end <= b for a, b in self.marked)


_NONE = Quoting((), reported=False, outside="")


def quoting(text: str) -> Quoting:
    """The quoted spans of ``text``; ``reported`` when a reporting or condemning cue is outside."""
    spans: list[tuple[int, int]] = []
    for match in _QUOTED.finditer(text):
        group = next(i for i in range(1, 7) if match.group(i) is not None)
        spans.append((match.start(group), match.end(group)))
    marked = tuple(spans)
    spans += [(m.start(1), m.end(1)) for m in _REPORTED_CLAUSE.finditer(text)]
    if not spans:
        return _NONE
    spans.sort()
    pieces, last = [], 0
    for a, b in spans:
        pieces.append(text[last:a])
        last = b
    pieces.append(text[last:])
    outside = " … ".join(pieces)
    reported = bool(_CUE_EN.search(outside) or _CUE_JA.search(outside))
    return Quoting(tuple(spans), reported=reported, outside=outside, marked=marked)
