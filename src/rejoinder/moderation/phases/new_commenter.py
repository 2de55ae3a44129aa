"""New-commenter pre-moderation: a reader's first N comments wait for a moderator."""

from __future__ import annotations

from rejoinder.moderation.phases.base import Candidate, Outcome


class NewCommenter:
    name = "new_commenter"

    def check(self, candidate: Candidate) -> Outcome | None:
        first = candidate.rules.new_commenter_premoderation
        prior = candidate.facts.prior_comments
        if prior >= first:
            return None
        return Outcome(
            "hold",
            "Your first comments are reviewed by a moderator before they appear.",
            f"comment {prior + 1} of the first {first}",
        )
