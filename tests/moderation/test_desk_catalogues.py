"""The desk speaks English and Japanese: both catalogues name every phase, reason and queue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rejoinder.moderation.pipeline import build_phases
from rejoinder.moderation.schemas import QUEUES
from rejoinder.settings import ModerationSettings, Settings

I18N = Path(__file__).parents[2] / "src/rejoinder/desk/static/i18n"


def _catalogue(lang: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((I18N / f"{lang}.json").read_text("utf-8"))
    return data


def test_both_languages_have_the_same_keys() -> None:
    assert set(_catalogue("en")) == set(_catalogue("ja"))


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_phase_reason_and_queue_is_named(lang: str) -> None:
    messages = _catalogue(lang)
    keys = {f"phase.{phase.name}" for phase in build_phases(Settings())} | {"phase.moderator"}
    keys |= {f"reason.{r}" for r in ModerationSettings().rejection_reasons}
    keys |= {f"queue.{q}" for q in QUEUES}
    keys |= {f"band.{b}" for b in ("likely", "maybe", "unlikely", "unknown")}
    assert keys <= set(messages), sorted(keys - set(messages))
