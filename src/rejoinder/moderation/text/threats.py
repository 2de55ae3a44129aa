"""Threat phrases: a curated list of patterns matched with the word-list machinery.

A pattern is plain words plus alternation groups: ``"[i'll|i will] [kill|shoot] [you|u]"``
expands to every combination (an empty alternative, ``[|really]``, makes a word
optional). Expansions are compiled into one :class:`~.wordlist.WordList`, so
matching inherits its folding (case, leetspeak, "y o u", apostrophes dropped,
punctuation as spaces) and its word boundaries; Japanese patterns match inside text.

The list is built to fire on a threat or a wish of violence *addressed at someone*
and to stay quiet on news language about violence: most verbs need a first-person
or "someone should" subject *and* a person as object, so "the gunman threatened to
kill", "the war killed thousands", "this will kill the economy", "kill the bill",
"I'd kill for a coffee", "shot dead by police" and "my phone died" do not match.
What it cannot tell: quoted or reported threats ('he shouted "I will kill you"'),
and jokes between friends. A match is a reason to hold for a moderator, not proof.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from rejoinder.moderation.text.wordlist import Prepared, WordList

__all__ = [
    "SPARED_PHRASES",
    "THREAT_PATTERNS",
    "ThreatMatch",
    "ThreatPhrases",
    "expand",
    "find_threats",
]

_I_WILL = (
    "[i'll|i will|i'm going to|i am going to|i'm gonna|imma|i want to|i'd like to"
    "|i swear i'll|i'm coming to|we'll|we will|we're going to|we're gonna]"
)
_HARM = (
    "[kill|murder|shoot|stab|strangle|choke|hang|behead|rape|hurt|end|slaughter|execute"
    "|lynch|torture|beat the shit out of]"
)
_VICTIM = (
    "[you|u|ya|you all|y'all|all of you|your family|your kids|your wife|him|her|them"
    "|this guy|that guy|this man|that man|this woman|that woman]"
)
_PERSON = (
    "[you|u|he|she|they|these people|those people|people like you|people like him"
    "|people like her|people like that|all of them|whoever did this|whoever wrote this"
    "|this guy|that guy|this man|that man|the author|the journalist|the reporter|traitors]"
)
_PUNISH = (
    "[be shot|be hanged|be hung|be killed|be executed|be lynched|be put down|be strung up"
    "|be burned|be burnt|be beheaded|be gassed|be stabbed|be shot dead|be raped]"
)
_SHOULD = "[should|ought to|needs to|need to|deserve to|deserves to|must|has to]"

THREAT_PATTERNS: tuple[str, ...] = (
    # Direct threats: a first-person subject, a harm, a person.
    f"{_I_WILL} {_HARM} {_VICTIM}",
    f"{_I_WILL} [break|smash] [your|his|her] [legs|face|neck|skull|jaw|head]",
    f"{_I_WILL} [burn down|torch|firebomb] [your|his|her|their] [house|home|car]",
    f"{_I_WILL} find you and",
    f"{_I_WILL} [hunt|track|beat] {_VICTIM} [down|up]",
    "[slit|cut] [your|his|her|their] throat",
    (
        "[i'll|i will|i'm going to|i'm gonna|we'll|we will|someone should|somebody should"
        "|someone needs to|we should] [bomb|blow up|burn down|firebomb|shoot up] [the|your]"
        " [newsroom|office|offices|paper|mosque|synagogue|church|school|building|house|home]"
    ),
    "[burn|burns] [your|his|her|their] house down",
    "[put|putting] a bullet in [your|his|her|their] [head|brain|skull|face]",
    "[deserves|deserve|needs|need] a bullet",
    "knock your teeth out",
    # Calls for someone else to do it, and wishes that someone be harmed.
    (
        "[someone|somebody] [should|needs to|ought to]"
        f" [shoot|kill|hang|stab|lynch|murder|execute|behead|strangle] {_VICTIM}"
    ),
    f"[someone|somebody] [should|needs to|ought to] string {_VICTIM} up",
    f"{_PERSON} {_SHOULD} [{_PUNISH[1:-1]}|die]",
    # "..., and should be shot": no subject to check, so only unmistakable verbs.
    f"[and|who] [should|deserves to|deserve to|ought to] {_PUNISH}",
    (
        "[hope|wish] [you|u|he|she|they] [die|dies|get cancer|gets cancer|get shot|gets shot"
        "|get killed|gets killed|rot in hell|rots in hell|burn in hell|burns in hell|get raped"
        "|gets raped|drown|drowns|die slowly|dies slowly]"
    ),
    # Self-harm incitement.
    "[kill|hang|neck] [yourself|urself|your self|yourselves|ya self]",
    "[kys|go die|go and die|just die already|drink bleach|jump off a bridge]",
    # Intimidation.
    "[i|we] know where [you|u] [live|work|sleep]",
    (
        "[i|we] know where your [kids|children|family|wife|husband|mother|mum|mom]"
        " [live|lives|go to school|are]"
    ),
    "[you'll|you will|you're going to|you are going to|you're gonna] get what's coming",
    (
        "[your days are numbered|you're dead meat|you're a dead man|you're a dead woman"
        "|you won't see it coming|sleep with one eye open|watch your back]"
    ),
    # Japanese: kill / die imperatives and their internet spellings, doxxing.
    "[殺す|殺すぞ|殺してやる|ぶっ殺す|ぶっ殺してやる|ぶち殺す|ぶっころす|刺すぞ|刺してやる]",
    "[死ね|氏ね|タヒね|しねよ|死んでしまえ|死んじまえ|死にやがれ|殺されろ]",
    "[住所知ってる|住所を知ってる|家を知ってる|家知ってる|晒してやる|家を燃やす|覚悟しろ]",
)

# Everyday phrases that contain an expansion; a threat overlapping one is dropped.
SPARED_PHRASES: tuple[str, ...] = (
    "shoot you a",
    "shoot you an",
    "shoot you guys a",
    "kill you with kindness",
    "hurt you to hear",
)

_GROUP = re.compile(r"\[([^\]]*)\]")


def expand(pattern: str) -> list[str]:
    """Every phrase a pattern stands for (alternatives may hold spaces, or be empty)."""
    parts = _GROUP.split(pattern)
    # split() alternates literal text and group contents: odd indexes are groups.
    choices = [part.split("|") if i % 2 else [part] for i, part in enumerate(parts)]
    return [" ".join("".join(combo).split()) for combo in itertools.product(*choices)]


@dataclass(frozen=True, slots=True, order=True)
class ThreatMatch:
    """A threat phrase found in a comment; ``start:end`` spans the original text."""

    start: int
    end: int
    phrase: str
    pattern: str


class ThreatPhrases:
    """A compiled set of threat patterns (defaults to :data:`THREAT_PATTERNS`)."""

    def __init__(
        self,
        patterns: Iterable[str] = THREAT_PATTERNS,
        spared: Iterable[str] = SPARED_PHRASES,
    ) -> None:
        self._pattern_of: dict[str, str] = {}
        for pattern in patterns:
            for phrase in expand(pattern):
                self._pattern_of.setdefault(phrase, pattern)
        self._phrases = WordList(self._pattern_of)
        self._spared = WordList(spared)

    @property
    def size(self) -> int:
        """How many distinct phrases the patterns expanded to."""
        return len(self._phrases)

    def find(self, text: str | Prepared) -> list[ThreatMatch]:
        """The threat phrases in ``text``, by position (empty when none)."""
        prepared = text if isinstance(text, Prepared) else Prepared(text)
        found = self._phrases.find(prepared)
        if not found:
            return []
        spared = self._spared.find(prepared)
        return [
            ThreatMatch(m.start, m.end, m.entry, self._pattern_of[m.entry])
            for m in found
            if not any(s.start < m.end and m.start < s.end for s in spared)
        ]


@functools.cache
def _default() -> ThreatPhrases:
    return ThreatPhrases()


def find_threats(text: str | Prepared) -> list[ThreatMatch]:
    """Threat phrases in ``text`` using the default list (compiled on first use)."""
    return _default().find(text)
