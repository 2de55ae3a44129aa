"""Toxicity score: scores route, they never reject. Above the threshold the author is nudged
once to revise (the API answers 422 ``comment_nudged``); a toxic comment sent again within the
nudge window is held for review. The nudge is for incivility only: when a threat or
dehumanisation phase has already held the comment, the score holds too, without asking the
author to rephrase. When the toxic words are all inside a quotation that the comment reports
or condemns (the score of the rest is below the threshold), the comment is flagged instead.
The score itself was computed by the runner, with a timeout that lets the comment through when
the scorer fails (``toxicity`` is then ``None``). A comment of fewer than five words (eight
characters of Japanese) is not routed by its score: on so little text the model gave civil
comments ("live again", "with a badge") scores over the threshold; the score is still recorded
for the desk, and the word lists and the threat and dehumanisation phases judge such comments."""

from __future__ import annotations

import re

from rejoinder.kernel.errors import Invalid
from rejoinder.moderation.phases.base import HELD, Candidate, Outcome

_WORD = re.compile(r"\w+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
MIN_WORDS = 5
MIN_CJK = 8


def too_short(text: str) -> bool:
    """Too little text for the score alone to route the comment."""
    if _CJK.search(text):
        return len(_CJK.findall(text)) < MIN_CJK
    return len(_WORD.findall(text)) < MIN_WORDS


# Phases whose hold is final for the author: a threat is not incivility to rephrase.
HELD_AT_ONCE = frozenset({"threats", "dehumanisation"})

NUDGE = (
    "Your comment may come across as hostile. Would you like to rephrase it? "
    "If you post it unchanged, a moderator will review it first."
)


class Toxicity:
    name = "toxicity"

    def check(self, candidate: Candidate) -> Outcome | None:
        rules, score = candidate.rules, candidate.toxicity
        if score is None or score < rules.toxicity_threshold or too_short(candidate.ctx.body):
            return None
        detail = f"toxicity {score:.2f} (threshold {rules.toxicity_threshold:.2f})"
        if candidate.shipped_toxicity is not None:
            detail += f", site layer (shipped model {candidate.shipped_toxicity:.2f})"
        outside = candidate.toxicity_outside_quotes
        if outside is not None and outside < rules.toxicity_threshold:
            return Outcome("flag", "", f"{detail}, inside a quotation ({outside:.2f} outside it)")
        if rules.toxicity_action == "flag":
            return Outcome("flag", "", detail)
        if candidate.held_by in HELD_AT_ONCE:
            return Outcome("hold", HELD, f"{detail}, held by {candidate.held_by}")
        if rules.toxicity_action == "nudge" and not candidate.facts.nudged_recently:
            return Outcome(
                "nudge", NUDGE, detail, Invalid(NUDGE, code="comment_nudged", reason=NUDGE)
            )
        return Outcome(
            "hold",
            HELD,
            detail + (", sent after a nudge" if rules.toxicity_action == "nudge" else ""),
        )
