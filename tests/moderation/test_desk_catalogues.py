"""The desk speaks English and Japanese: both catalogues name every phase, reason, queue and
audit action."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import pytest

from rejoinder.moderation.actions.comments import FLAGS
from rejoinder.moderation.pipeline import build_phases
from rejoinder.moderation.schemas import QUEUES, SanctionKind
from rejoinder.settings import ModerationSettings, Settings

I18N = Path(__file__).parents[2] / "src/rejoinder/desk/static/i18n"


def _catalogue(lang: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((I18N / f"{lang}.json").read_text("utf-8"))
    return data


def _audit_actions() -> set[str]:
    """Every action the audit log writes: the pipeline's holds and rejections, the editing of a
    held comment, ``audit.write`` in moderation/actions and policies, the protection rule, and
    an author deleting a held comment."""
    kinds = get_args(SanctionKind)
    actions = {"pipeline.hold", "pipeline.reject", "comment.approve", "comment.reject"}
    actions |= {f"comment.{action}" for action in FLAGS}
    actions |= {f"reader.{kind}" for kind in kinds} | {f"reader.lift_{kind}" for kind in kinds}
    actions |= {"reader.note", "moderator.grant_site", "moderator.withdraw_site"}
    actions |= {"takedown.decided", "section.protected", "section.reopened"}
    return actions | {"author.delete"}


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


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_audit_action_is_named(lang: str) -> None:
    keys = {f"audit.action.{action}" for action in _audit_actions()}
    assert keys <= set(_catalogue(lang)), sorted(keys - set(_catalogue(lang)))
