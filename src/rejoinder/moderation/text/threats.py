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
Office holders and public figures are targets in their own right, with or without a
subject: "the mayor should be hanged", "the senator deserves to die", "hang the judge",
"give him what happened to Jo Cox". Japanese threats cover verb + てやる ("殺してやる",
"燃やしてやる") and the "should die / deserves to die" forms (死ね, 死ぬべき, 殺されて当然).
Quoted or reported threats ('the court heard he said "I will kill you"') still match here;
the threats phase flags them for the desk instead of holding them (:mod:`.quotes`).
Jokes between friends it cannot tell. A match is a reason to hold, not proof.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from rejoinder.moderation.text.patterns import PatternSet
from rejoinder.moderation.text.wordlist import Prepared, WordList

__all__ = [
    "OFFICE_PATTERNS",
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
_OFFICE = (
    "[the mayor|the president|the prime minister|the pm|the senator|the governor|the judge"
    "|the minister|the councillor|the councilman|the councilwoman|the mp|the chancellor"
    "|the sheriff|the police chief|the attorney general|the speaker|the home secretary"
    "|the health secretary|the foreign secretary|the premier|the congressman"
    "|the congresswoman|the senators|the judges|the ministers|politicians|every politician"
    "|the government|the editor|this reporter|this journalist|journalists|the candidate"
    "|this mayor|this president|this judge|this senator|this minister|that judge"
    "|that mayor|that senator|that politician|this politician|the whole cabinet"
    "|the councillors|those councillors|these councillors|every councillor|those politicians"
    "|these politicians|that minister|that councillor|this councillor|that mp|this mp]"
)
_PUNISH = (
    "[be shot|be hanged|be hung|be killed|be executed|be lynched|be put down|be strung up"
    "|be burned|be burnt|be beheaded|be gassed|be stabbed|be shot dead|be raped]"
)
_SHOULD = "[should|ought to|needs to|need to|deserve to|deserves to|must|has to]"
_PUNISH_MORE = (
    "[be shot|be hanged|be hung|be killed|be executed|be lynched|be put down|be strung up"
    "|be burned|be burnt|be beheaded|be gassed|be stabbed|be shot dead|be raped|be murdered"
    "|be taken out|be beaten to death|be put against a wall|be dragged out and shot"
    "|be set on fire|be set alight|be burned at the stake|be castrated|face a firing squad"
    "|be put six feet under|be stood against a wall"
    "|be burned alive|be shot in the head|be tortured|be assassinated|be eliminated"
    "|hang|die|be dead|swing|get a bullet|get the rope|get shot|get what kennedy got]"
)
_PAST = (
    "[what happened to jo cox|what happened to kennedy|what happened to jfk"
    "|what happened to lincoln|what happened to abe|what happened to david amess"
    "|what happened to rabin|the jo cox treatment|the kennedy treatment|the abe treatment"
    "|a kennedy|the same as jo cox|the same as kennedy]"
)
_JA_TE = (
    "[殺して|ころして|コロして|ぶっ殺して|ぶち殺して|刺して|殴って|ぶん殴って|燃やして|埋めて"
    "|沈めて|潰して|ぶっ潰して|痛い目に合わせて|痛い目にあわせて|ぶちのめして|ボコボコにして"
    "|ぶっ飛ばして|待ち伏せして|半殺しにして|突き落として"
    "|首を絞めて|撃ち殺して|始末して|八つ裂きにして|血祭りにあげて|火をつけて|爆破して]"
)

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
    "[knock|kick|smash] your teeth [out|in|down your throat]",
    # Sending someone to hospital or the grave, said by the one who will do it.
    (
        f"{_I_WILL} put {_VICTIM} in [hospital|the hospital|a wheelchair|an early grave"
        "|the ground|a body bag|a coffin]"
    ),
    (
        "[i'm|i am|we're|we are] putting [you|him|her|them] in [hospital|the hospital"
        "|a wheelchair|an early grave|the ground|a body bag|a coffin]"
    ),
    (
        "[you're|you are|you'll|you will|you're going to|you are going to|you're gonna]"
        " end up in [a body bag|body bags|a coffin|the morgue]"
    ),
    (
        "[round|to|at] [your|ur] [house|home|place|door|office] with a [crowbar|bat"
        "|baseball bat|knife|machete|gun|shotgun|hammer|can of petrol]"
    ),
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
        "[i|we] know [what|which] school your [kids|children|son|daughter|boy|girl]"
        " [go to|goes to|attend|attends]"
    ),
    (
        "[i|we] know where your [kids|children|family|wife|husband|mother|mum|mom]"
        " [live|lives|go to school|are]"
    ),
    "[you'll|you will|you're going to|you are going to|you're gonna] get what's coming",
    # Japanese: verb + てやる / てやろうか / てやるからな, and "should die" / "deserves to die".
    f"{_JA_TE}[やる|やろうか|やるぞ|やるからな|やるわ|やんよ]",
    (
        "[死ぬべき|死んで当然|死ねばいい|殺されるべき|殺されて当然|殺されればいい|殺すべき"
        "|吊るされるべき|撃たれればいい|撃たれろ|刺されればいい|消されるべき|死刑にしろ"
        "|始末しろ|地獄に落ちろ|生きる資格がない|生きる価値がない|皆殺しにしろ|天誅を"
        "|襲われればいい|刺されろ|ぶっ飛ばしに行く|闇討ち]"
    ),
    # Japanese: kill / die imperatives and their internet spellings, doxxing.
    "[殺す|殺すぞ|殺してやる|ぶっ殺す|ぶっ殺してやる|ぶち殺す|ぶっころす|刺すぞ|刺してやる]",
    "[死ね|氏ね|タヒね|しねよ|死んでしまえ|死んじまえ|死にやがれ|殺されろ]",
    "[住所知ってる|住所を知ってる|家を知ってる|家知ってる|晒してやる|家を燃やす|覚悟しろ]",
    # Japanese: knowing where someone lives or works, said to them.
    (
        "[住所|自宅|職場|勤務先][は|を|も|][もう|][分かってる|わかってる|知ってるぞ"
        "|突き止めた|特定した|調べてある|押さえた]"
    ),
    "[夜道に気をつけろ|夜道には気をつけろ|背後に気をつけろ|命はないと思え|命の保証はない]",
    # Japanese: "should be executed / erased", "ought to die" against a person.
    (
        "[処刑されるべき|抹殺されるべき|八つ裂きにされるべき|死ぬべきだ|殺されるべきだ"
        "|死んで詫びろ|殺すべき|さっさと死ね|生きてる価値がない|事故にでも遭えばいい]"
    ),
)

# Patterns whose expansions would number in the tens of thousands: matched head first as
# regexes (:mod:`.patterns`), not expanded into the automaton.
OFFICE_PATTERNS: tuple[str, ...] = (
    # Office holders and public figures, with no subject needed: passive and "deserves".
    f"{_OFFICE} {_SHOULD} {_PUNISH_MORE}",
    f"{_OFFICE} [should|will|would] [be shot|hang|die|get shot] [for this|for treason|soon]",
    f"[hang|shoot|lynch|kill|execute|behead|assassinate|string up|murder] {_OFFICE}",
    (
        "[death to|a bullet for|the rope for|the gallows for|guillotine|firing squad for"
        f"|a firing squad for|the firing squad for] {_OFFICE}"
    ),
    f"[firing squad for|a firing squad for|the rope for] [every one of|all of|each of] {_OFFICE}",
    f"{_OFFICE} [wants|needs] [stringing up|hanging|a bullet|the rope|putting down]",
    f"[hanging is|hanging's|hanging|the rope is|a bullet is] too good for {_OFFICE}",
    f"[finish|finished|finishes|finishing] the job on {_OFFICE}",
    f"{_OFFICE} [deserves|deserve|needs|need] [a bullet|the rope|the noose|a noose|to be shot]",
    f"[give|do] [him|her|them|{_OFFICE[1:-1]}] {_PAST}",
    f"[remember|like] {_PAST}",
    f"{_OFFICE} [is|are] next",
    (
        "[your days are numbered|you're dead meat|you're a dead man|you're a dead woman"
        "|you won't see it coming|sleep with one eye open|watch your back]"
    ),
)

# Everyday phrases that contain an expansion; a threat overlapping one is dropped.
SPARED_PHRASES: tuple[str, ...] = (
    "shoot you a",
    "shoot you an",
    "shoot you guys a",
    "kill you with kindness",
    "hurt you to hear",
    # Japanese negations of the "should" forms: 殺されるべきではない is an argument against it.
    "べきではない",
    "べきでない",
    "べきじゃない",
    "べきとは思わない",
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
        office_patterns: Iterable[str] = OFFICE_PATTERNS,
    ) -> None:
        self._offices = PatternSet(office_patterns)
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
        found = [
            ThreatMatch(m.start, m.end, m.entry, self._pattern_of[m.entry])
            for m in self._phrases.find(prepared)
        ]
        found += [
            ThreatMatch(m.start, m.end, m.phrase, "office holder")
            for m in self._offices.find(prepared)
        ]
        if not found:
            return []
        spared = self._spared.find(prepared)
        return sorted(
            m for m in found if not any(s.start < m.end and m.start < s.end for s in spared)
        )


@functools.cache
def _default() -> ThreatPhrases:
    return ThreatPhrases()


def find_threats(text: str | Prepared) -> list[ThreatMatch]:
    """Threat phrases in ``text`` using the default list (compiled on first use)."""
    return _default().find(text)
