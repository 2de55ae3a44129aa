"""Which script a character belongs to, as far as moderation needs to know.

Two questions matter: is a character from a script written without spaces between
words (so word boundaries mean nothing there), and is it a Latin letter (what the
English toxicity model can read)?
"""

from __future__ import annotations

import re

__all__ = ["is_latin", "is_unspaced", "latin_part", "non_latin_share"]

_LATIN_RANGES = "A-Za-z\u00c0-\u024f\u1e00-\u1eff\u2c60-\u2c7f\ua720-\ua7ff\uab30-\uab6f"
_LATIN_RANGES += "\uff21-\uff3a\uff41-\uff5a"  # full-width
# Letters are word characters that are neither digits nor the underscore.
_LETTER = re.compile(r"[^\W\d_]")
_NON_LATIN_LETTER = re.compile(rf"[^\W\d_{_LATIN_RANGES}]")


def is_unspaced(ch: str) -> bool:
    """True for characters of scripts written without spaces between words."""
    o = ord(ch)
    return (
        0x3040 <= o <= 0x30FF  # Hiragana, Katakana
        or 0x3400 <= o <= 0x9FFF  # CJK unified ideographs (+ extension A)
        or 0xF900 <= o <= 0xFAFF  # CJK compatibility ideographs
        or 0x20000 <= o <= 0x3134F  # CJK extensions B-H
        or 0x31F0 <= o <= 0x31FF  # Katakana phonetic extensions
        or 0xFF66 <= o <= 0xFF9F  # half-width Katakana
        or 0x3005 <= o <= 0x3007  # iteration mark, closing mark, ideographic zero
        or 0x0E00 <= o <= 0x0EFF  # Thai, Lao
        or 0x1000 <= o <= 0x109F  # Myanmar
        or 0x1780 <= o <= 0x17FF  # Khmer
    )


def is_latin(ch: str) -> bool:
    """True for Latin-script letters (ASCII, accented, extended, full-width)."""
    if ch.isascii():
        return ch.isalpha()
    o = ord(ch)
    return ch.isalpha() and (
        0x00C0 <= o <= 0x024F
        or 0x1E00 <= o <= 0x1EFF
        or 0x2C60 <= o <= 0x2C7F
        or 0xA720 <= o <= 0xA7FF
        or 0xAB30 <= o <= 0xAB6F
        or 0xFF21 <= o <= 0xFF5A
    )


def non_latin_share(text: str) -> float:
    """The share of letters in ``text`` that are not Latin (0.0 when it has none)."""
    if text.isascii():
        return 0.0
    letters = len(_LETTER.findall(text))
    return len(_NON_LATIN_LETTER.findall(text)) / letters if letters else 0.0


def latin_part(text: str) -> str:
    """``text`` with every non-Latin letter blanked out (digits, punctuation kept).

    Blanking rather than deleting keeps a Latin word glued to Japanese text
    ("fuckお前") a word of its own.
    """
    return text if text.isascii() else _NON_LATIN_LETTER.sub(" ", text)
