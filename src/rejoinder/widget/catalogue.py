"""The reader-facing message catalogues, for pages rendered on the server."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "ja")
_DIR = Path(__file__).with_name("static") / "i18n"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Messages of ``lang``, English filling any gap."""
    english: dict[str, str] = json.loads((_DIR / "en.json").read_text("utf-8"))
    if lang == "en":
        return english
    return {**english, **json.loads((_DIR / f"{lang}.json").read_text("utf-8"))}


def pick_language(requested: str | None, accept_language: str | None) -> str:
    """``?lang=`` first, then the best of ``Accept-Language`` we have, else English."""
    if requested and requested[:2].lower() in LANGUAGES:
        return requested[:2].lower()
    ranked: list[tuple[float, str]] = []
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((quality, tag.strip()[:2].lower()))
    for _, lang in sorted(ranked, key=lambda item: -item[0]):
        if lang in LANGUAGES:
            return lang
    return "en"
