# ruff: noqa: RUF002, RUF003 -- names in other scripts and confusables are the subject
"""Character classes and writing-script detection for display names.

Python's :mod:`unicodedata` has no ``Script`` property, so :func:`script_of` derives it
from what it does have:

1. Decimal digits (``Nd``) and the name separators are *Common*: they mix with anything.
2. A compatibility character is judged by its NFKC form, so fullwidth ``Ａ`` is Latin,
   halfwidth ``ｶ`` is Katakana and ``𝐀`` (mathematical bold) is Latin.
3. Otherwise the first word of the character's Unicode name is its script: every letter of
   a script is named after it (``LATIN SMALL LETTER E``, ``CYRILLIC CAPITAL LETTER A``,
   ``HANGUL SYLLABLE GA``, ``DEVANAGARI VOWEL SIGN AA``). The few exceptions are mapped
   explicitly: ``CJK ...`` and ``IDEOGRAPHIC ...`` (々, 〆) are Han, ``KATAKANA-HIRAGANA ...``
   (ー) belongs to both kana scripts, ``MODIFIER LETTER ...`` without an NFKC form (ʼ) is
   Common.
4. Marks named ``COMBINING ...`` are *Inherited*: they take the script of their base letter
   and so never make a name mixed on their own.

Scripts sharing a first word (Old Italic / Old Persian, the Tai scripts) are conflated; that
only makes a rare mix allowed, never a real name refused.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Final

COMMON: Final = "Common"
INHERITED: Final = "Inherited"
#: ー and its halfwidth form: used by both Hiragana and Katakana (Script_Extensions Hira Kana).
KANA: Final = "Kana"

#: Characters that may separate the parts of a name (space aside), judged on their NFKC form
#: so that fullwidth ．－＿＇ and halfwidth ･ count too; ‐ (U+2010) is the typographic hyphen.
SEPARATORS: Final = frozenset(".-_'\u2019\u30fb\u2010")

BIDI_CONTROLS: Final = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)

#: Default_Ignorable_Code_Point from DerivedCoreProperties.txt (Unicode 14), as ranges.
_DEFAULT_IGNORABLE: Final = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
#: Blank-looking characters that Unicode does not list as ignorable but that render as
#: nothing: BRAILLE PATTERN BLANK, MUSICAL SYMBOL NULL NOTEHEAD.
_BLANK_LOOKALIKES: Final = frozenset("\u2800\U0001d159")

_NAME_PREFIX_SCRIPT: Final = {
    "CJK": "Han",
    "IDEOGRAPHIC": "Han",
    "KATAKANA-HIRAGANA": KANA,
    "MODIFIER": COMMON,
}

#: Script sets a single real-world name may combine (TR39 "highly restrictive" profile):
#: Japanese, Korean and Chinese writing mix Han with their own scripts and with Latin.
_ALLOWED_SCRIPT_MIXES: Final = (
    frozenset({"Han", "Hiragana", "Katakana", KANA, "Latin"}),
    frozenset({"Han", "Hangul", "Latin"}),
    frozenset({"Han", "Bopomofo", "Latin"}),
)


def is_default_ignorable(char: str) -> bool:
    """Whether ``char`` renders as nothing (Default_Ignorable_Code_Point or a known blank)."""
    if char in _BLANK_LOOKALIKES:
        return True
    point = ord(char)
    return any(low <= point <= high for low, high in _DEFAULT_IGNORABLE)


def is_separator(char: str) -> bool:
    """Whether ``char`` is one of the allowed name separators (space excluded)."""
    return char in SEPARATORS or unicodedata.normalize("NFKC", char) in SEPARATORS


# Bounded: names are short, but a client could send every code point there is.
@lru_cache(maxsize=8192)
def script_of(char: str) -> str:
    """The writing script of one character, as described in the module docstring."""
    category = unicodedata.category(char)
    if category == "Nd" or char == " " or is_separator(char):
        return COMMON
    folded = unicodedata.normalize("NFKC", char).strip()
    if folded and folded != char:
        return script_of(folded[0])
    name = unicodedata.name(char, "")
    if not name:
        return COMMON
    first = name.split(" ", 1)[0]
    if category.startswith("M") and first == "COMBINING":
        return INHERITED
    return _NAME_PREFIX_SCRIPT.get(first, first.title())


def is_letter(char: str) -> bool:
    """A letter that makes a name a name: ``L*`` of a real script (not ʼ, not ー alone)."""
    return unicodedata.category(char).startswith("L") and script_of(char) not in {COMMON, KANA}


def scripts_are_compatible(text: str) -> bool:
    """Whether ``text`` keeps to one script, or to one of the allowed CJK combinations.

    Digits must also come from a single decimal system, so ``12`` cannot be spelled with
    one ASCII and one Arabic-Indic digit to look like another name.
    """
    scripts: set[str] = set()
    digit_systems: set[int] = set()
    for char in unicodedata.normalize("NFKC", text):
        if unicodedata.category(char) == "Nd":
            digit_systems.add(ord(char) - unicodedata.digit(char))
        script = script_of(char)
        if script not in {COMMON, INHERITED}:
            scripts.add(script)
    if len(digit_systems) > 1:
        return False
    if len(scripts) <= 1:
        return True
    return any(scripts <= allowed for allowed in _ALLOWED_SCRIPT_MIXES)
