"""The registered name: a first name and a surname behind the display name, never public.

A site may require one before a reader's first comment (``sites.registered_name_required``)
and say what it may be written in (``registered_name_script``): ``latin`` allows Roman
letters (accented ones too), spaces, hyphens and apostrophes only, as The Japan Times asks
of its commenters; ``any`` allows letters of any script. Names are NFKC-normalised first, so
fullwidth letters typed with a Japanese input method are stored as plain Roman letters.
"""

from __future__ import annotations

import unicodedata
from typing import Final

from rejoinder.accounts.viewer import Viewer
from rejoinder.kernel.errors import Invalid
from rejoinder.profiles.scripts import is_default_ignorable, script_of
from rejoinder.settings import Settings, SiteSettings

MAX_PART: Final = 64
_JOINERS: Final = frozenset(" -'\u2019")
_PARTS: Final = {"first_name": "first name", "surname": "surname"}


def clean_part(raw: str) -> str:
    """NFKC, invisible characters dropped, runs of spaces collapsed, ends trimmed."""
    text = unicodedata.normalize("NFKC", raw)
    text = "".join(ch for ch in text if not is_default_ignorable(ch))
    return " ".join(text.split())


def script_ok(text: str, script: str) -> bool:
    """Whether every character is a letter (of ``script``), a mark on one, or a joiner."""
    if not text or not any(unicodedata.category(ch).startswith("L") for ch in text):
        return False
    for char in text:
        category = unicodedata.category(char)
        if char in _JOINERS or category.startswith("M"):
            continue
        if not category.startswith("L"):
            return False
        if script == "latin" and script_of(char) != "Latin":
            return False
    return True


def check_part(raw: str, part: str, script: str) -> str:
    """The cleaned part, or 422 ``registered_name_invalid`` with a ``reason``."""
    label = _PARTS[part]
    text = clean_part(raw)
    if not text:
        raise Invalid(
            f"Enter your registered {label}.",
            code="registered_name_invalid",
            reason="empty",
            field=part,
        )
    if len(text) > MAX_PART:
        raise Invalid(
            f"A registered {label} can be at most {MAX_PART} characters.",
            code="registered_name_invalid",
            reason="too_long",
            field=part,
        )
    if not script_ok(text, script):
        rule = (
            "Roman letters, spaces, hyphens and apostrophes"
            if script == "latin"
            else "letters, spaces, hyphens and apostrophes"
        )
        raise Invalid(
            f"Write your registered {label} in {rule} only.",
            code="registered_name_invalid",
            reason="script",
            field=part,
        )
    return text


def save_script(settings: Settings) -> str:
    """The rule a name is checked against when saved: the strictest of the sites needing one."""
    scripts = {s.registered_name_script for s in settings.sites if s.registered_name_required}
    return "latin" if "latin" in scripts or not scripts else "any"


def has_registered_name(viewer: Viewer, site: SiteSettings) -> bool:
    """Whether the reader's registered name satisfies this site's rule."""
    first, surname = viewer.registered_first_name, viewer.registered_surname
    if not first or not surname:
        return False
    script = site.registered_name_script
    return script_ok(first, script) and script_ok(surname, script)
