"""Toxicity score: scores route, they never reject. Above the threshold the author is nudged
once to revise (the API answers 422 ``comment_nudged``); a toxic comment sent again within the
nudge window is held for review. The nudge is for incivility only: when a threat or
dehumanisation phase has already held the comment, the score holds too, without asking the
author to rephrase. When the toxic words are all inside a quotation that the comment reports
or condemns (the score of the rest is below the threshold), the comment is flagged instead.
The score itself was computed by the runner, with a timeout that lets the comment through when
the scorer fails (``toxicity`` is then ``None``). Short comments are routed like any other:
the model is trained on short civil fragments ("with a lanyard", "open again") and the cascade
takes the lower of its two stages under 30 characters (``text/toxicity.py``); the special case
that once skipped comments of fewer than five words missed most short abuse ("Drop dead,
loser.") and is gone (docs/moderation.md, "Short comments")."""

from __future__ import annotations

from rejoinder.kernel.errors import Invalid
from rejoinder.moderation.phases.base import HELD, Candidate, Outcome

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
        if score is None or score < rules.toxicity_threshold:
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
