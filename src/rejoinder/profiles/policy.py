# ruff: noqa: RUF002 -- names in other scripts and confusables are the subject
"""The display-name policy: what a reader may call themselves, as pure functions.

A name is accepted when, after normalisation (NFC, surrounding whitespace trimmed, each
run of inner spaces — any Unicode space separator, e.g. the ideographic space — turned
into one ASCII space), it:

* is made of letters of any script, decimal digits, single spaces and the separators
  ``. - _ ' ’`` (and ``・`` for Japanese), with at most two combining marks in a row, each
  on a letter: no controls, bidi overrides, invisible or unassigned characters, emoji
  or other symbols;
* has between ``min_length`` and ``max_length`` code points and at least one letter;
* neither starts nor ends with a separator, nor has two in a row;
* keeps to one script, or to the mixes real CJK names use (Han + kana, Han + Hangul,
  Han + Bopomofo, each with Latin): Latin mixed with Cyrillic is how ``Аdmin`` is forged;
* does not contain a staff or system word, or one of the publication's names
  (``display_name_reserved``), nor an offensive word (``display_name_invalid``), both
  found through case folding, confusables and leetspeak (see :mod:`.words`).

Checks run in a fixed order so that a name breaking several rules gets the most useful
reason: what the name is made of first, then what it says, then how it is laid out.

Every verdict carries three forms of the name: ``display`` (stored and shown), ``key``
(NFKC + case folding: two names with one key are the same name) and ``skeleton`` (the
confusable key: two names with one skeleton look alike). The profile service keeps names
unique on ``key`` and on ``skeleton``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache
from importlib.resources import files
from itertools import pairwise
from typing import Final

import msgspec

from rejoinder.profiles.confusables import skeleton, uniqueness_skeleton
from rejoinder.profiles.scripts import (
    BIDI_CONTROLS,
    is_default_ignorable,
    is_letter,
    is_separator,
    scripts_are_compatible,
)
from rejoinder.profiles.words import WordList

__all__ = [
    "KEY_EXPANSION_LIMIT",
    "MESSAGES",
    "RESERVED_WORDS",
    "NamePolicy",
    "NameVerdict",
    "skeleton",
]

INVALID: Final = "display_name_invalid"
RESERVED: Final = "display_name_reserved"

#: Reader-facing sentences by ``reason``; ``{min_length}``/``{max_length}`` are filled in.
#: Kept together so the i18n pass can translate them in one place.
MESSAGES: Final[dict[str, str]] = {
    "empty": "Please choose a display name.",
    "too_short": "Display names need at least {min_length} characters.",
    "too_long": "Display names can be at most {max_length} characters long; please shorten it.",
    "control_characters": (
        "Display names must be on one line, without tabs or line breaks; please retype it."
    ),
    "bidi_controls": (
        "Your display name contains hidden text-direction characters; please retype it "
        "without pasting."
    ),
    "invisible_characters": (
        "Your display name contains invisible characters (such as zero-width spaces); "
        "please retype it without pasting."
    ),
    "unassigned_or_private": (
        "Your display name contains characters that cannot be displayed reliably; "
        "please use ordinary letters."
    ),
    "symbols_not_allowed": (
        "Display names can use letters, numbers, spaces and . - _ ' — emoji and symbols "
        "like ★ are not allowed."
    ),
    "combining_marks_abuse": (
        "Your display name stacks too many accents or marks, or has a mark without a letter; "
        "use at most two on each letter."
    ),
    "no_letters": "Display names must contain at least one letter.",
    "separator_placement": (
        "Display names cannot start or end with . - _ ' and cannot use two of them in a row."
    ),
    "mixed_scripts": (
        "Display names must use one alphabet: mixing, for example, Latin and Cyrillic "
        "letters is not allowed."
    ),
    "reserved": (
        "This display name is reserved for the newsroom and its staff; please choose another."
    ),
    "offensive": "This display name is not allowed; please choose another.",
}

#: Always reserved, whatever the site: staff roles and words a system account would use.
RESERVED_WORDS: Final = (
    "admin",
    "administrator",
    "moderator",
    "moderators",
    "mod",
    "mods",
    "staff",
    "editor",
    "editors",
    "the editors",
    "editorial",
    "official",
    "support",
    "system",
    "root",
    "superuser",
    "sysop",
    "rejoinder",
    "team",
    "newsroom",
    "webmaster",
    "postmaster",
    "noreply",
    "helpdesk",
    # Innocent words in which a reserved term would otherwise be found.
    "!badminton",
    "!stafford",
    "!staffordshire",
    "!supporter",
    "!supporters",
    "!ecosystem",
    "!ecosystems",
    "!creditor",
    "!creditors",
)

_SPACES = re.compile(" {2,}")
# Input longer than this many times max_length (256 at least) is refused unread.
_HARD_CAP_FACTOR = 8
#: ``key`` and ``skeleton`` never exceed this many code points per allowed display code point,
#: so storage can size its columns: NFKC alone turns ﷺ into 18 code points.
KEY_EXPANSION_LIMIT: Final = 16
_MAX_MARKS_IN_A_ROW = 2


class NameVerdict(msgspec.Struct, frozen=True):
    """The outcome of :meth:`NamePolicy.check`; see the module docstring for the three forms."""

    ok: bool
    code: str | None
    reason: str | None
    message: str | None
    display: str
    key: str
    skeleton: str


@cache
def _offensive_entries() -> tuple[str, ...]:
    text = files("rejoinder.profiles").joinpath("data/offensive_names.txt").read_text("utf-8")
    return tuple(text.splitlines())


def normalize_display(raw: str) -> str:
    """NFC, ends trimmed, every run of Unicode spaces inside turned into one ASCII space."""
    spaced = "".join(" " if unicodedata.category(c) == "Zs" else c for c in raw)
    return _SPACES.sub(" ", unicodedata.normalize("NFC", spaced).strip())


def name_key(display: str) -> str:
    """The uniqueness key: NFKC + case folding (NFKC again, as NFKC_Casefold does)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", display).casefold())


def _with_article_dropped(names: Iterable[str]) -> list[str]:
    # "The Daily Bugle" reserves "Daily Bugle" too: nobody sees the article as a difference.
    result: list[str] = []
    for name in names:
        result.append(name)
        words = name.split()
        if len(words) > 1 and words[0].casefold() == "the":
            result.append(" ".join(words[1:]))
    return result


class NamePolicy:
    """Checks display names; build one per configuration and reuse it (it holds no state)."""

    def __init__(
        self,
        *,
        min_length: int = 2,
        max_length: int = 30,
        reserved: Iterable[str] = (),
        blocked_words: Iterable[str] = (),
    ) -> None:
        if not 1 <= min_length <= max_length:
            raise ValueError("display names need 1 <= min_length <= max_length")
        self.min_length = min_length
        self.max_length = max_length
        #: The longest ``key`` or ``skeleton`` an accepted name can have.
        self.max_key_length = max_length * KEY_EXPANSION_LIMIT
        self._reserved = WordList(_with_article_dropped([*RESERVED_WORDS, *reserved]))
        self._offensive = WordList([*_offensive_entries(), *blocked_words])

    def check(self, raw: str) -> NameVerdict:
        """Judge ``raw`` as typed by the reader; never raises on any string."""
        hard_cap = max(self.max_length * _HARD_CAP_FACTOR, 256)
        display = normalize_display(raw[:hard_cap])
        key = name_key(display)
        folded = uniqueness_skeleton(display)
        if len(raw) > hard_cap or max(len(key), len(folded)) > self.max_key_length:
            reason: str | None = "too_long"
        else:
            reason = self._reason(display)
        if reason is None:
            return NameVerdict(
                ok=True,
                code=None,
                reason=None,
                message=None,
                display=display,
                key=key,
                skeleton=folded,
            )
        message = MESSAGES[reason].format(min_length=self.min_length, max_length=self.max_length)
        code = RESERVED if reason == "reserved" else INVALID
        return NameVerdict(
            ok=False,
            code=code,
            reason=reason,
            message=message,
            display=display,
            key=key,
            skeleton=folded,
        )

    def _reason(self, display: str) -> str | None:
        if not display:
            return "empty"
        reason = _character_reason(display) or _marks_reason(display)
        if reason:
            return reason
        # What the name says before how it is laid out: fixing "ADMIN_" into "ADMIN" helps
        # nobody, so a reserved or offensive name hears about that first.
        rules: tuple[tuple[str, Callable[[str], object]], ...] = (
            ("too_long", lambda name: len(name) > self.max_length),
            ("reserved", self._reserved.find),
            ("offensive", self._offensive.find),
            ("no_letters", lambda name: not any(is_letter(char) for char in name)),
            ("too_short", lambda name: len(name) < self.min_length),
            ("separator_placement", _misplaced_separator),
            ("mixed_scripts", lambda name: not scripts_are_compatible(name)),
        )
        return next((reason for reason, broken in rules if broken(display)), None)


def _character_reason(display: str) -> str | None:
    """The most specific problem with the characters themselves, by severity."""
    categories = [unicodedata.category(char) for char in display]
    if any(cat == "Cc" or cat in {"Zl", "Zp"} for cat in categories):
        return "control_characters"
    if any(char in BIDI_CONTROLS for char in display):
        return "bidi_controls"
    if any(cat in {"Cn", "Co", "Cs"} for cat in categories):
        return "unassigned_or_private"
    # Visible symbols before invisibles: an emoji sequence contains joiners and variation
    # selectors, and "no emoji" is what its author needs to hear.
    for char, cat in zip(display, categories, strict=True):
        if is_default_ignorable(char) or cat == "Cf":
            continue
        if not (cat[0] == "L" or cat in {"Nd", "Mn", "Mc"} or char == " " or is_separator(char)):
            return "symbols_not_allowed"
    if any(cat == "Cf" for cat in categories) or any(map(is_default_ignorable, display)):
        return "invisible_characters"
    return None


def _marks_reason(display: str) -> str | None:
    # Counted on NFD: NFC would fold the first mark into the letter and hide one.
    in_a_row = 0
    after_letter = False
    for char in unicodedata.normalize("NFD", display):
        category = unicodedata.category(char)
        if category.startswith("M"):
            if not after_letter:
                return "combining_marks_abuse"
            # Spacing marks (Mc) are vowel signs of Indic scripts, not stackable decoration.
            if category != "Mc":
                in_a_row += 1
            if in_a_row > _MAX_MARKS_IN_A_ROW:
                return "combining_marks_abuse"
        else:
            in_a_row = 0
            after_letter = category.startswith("L")
    return None


def _misplaced_separator(display: str) -> bool:
    if is_separator(display[0]) or is_separator(display[-1]):
        return True
    return any(is_separator(a) and is_separator(b) for a, b in pairwise(display))
