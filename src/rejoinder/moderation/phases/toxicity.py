"""Toxicity score: scores route, they never reject. Above the threshold the author is nudged
once to revise (the API answers 422 ``comment_nudged``); a toxic comment sent again within the
nudge window is held for review. The score itself was computed by the runner, with a timeout
that lets the comment through when the scorer fails (``toxicity`` is then ``None``)."""

from __future__ import annotations

from rejoinder.kernel.errors import Invalid
from rejoinder.moderation.phases.base import Candidate, Outcome

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
        if rules.toxicity_action == "flag":
            return Outcome("flag", "", detail)
        if rules.toxicity_action == "nudge" and not candidate.facts.nudged_recently:
            return Outcome(
                "nudge", NUDGE, detail, Invalid(NUDGE, code="comment_nudged", reason=NUDGE)
            )
        return Outcome(
            "hold",
            "Your comment will appear once a moderator has reviewed it.",
            detail + (", sent after a nudge" if rules.toxicity_action == "nudge" else ""),
        )
