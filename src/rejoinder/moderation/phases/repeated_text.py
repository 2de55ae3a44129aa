"""Repeated text: the same reader posting the same text again within minutes, or the same text
arriving from several readers (copy-paste campaigns). Texts are compared after folding, so
case, accents and leetspeak do not make a copy new. Short stock replies may repeat."""

from __future__ import annotations

from rejoinder.moderation.phases.base import Candidate, Outcome


class RepeatedText:
    name = "repeated_text"

    def check(self, candidate: Candidate) -> Outcome | None:
        rules, facts = candidate.rules, candidate.facts
        if len(candidate.prepared.variants[0].text) < rules.repeat_min_length:
            return None
        if rules.repeat_window_minutes and facts.same_text_by_author:
            return Outcome(
                "hold",
                "You posted this text a moment ago: a moderator will look at the copy.",
                f"same text by this reader within {rules.repeat_window_minutes} minutes",
            )
        readers = facts.same_text_other_readers + 1
        if readers >= rules.repeat_many_readers:
            return Outcome(
                "hold",
                "This text was posted by several readers: a moderator will look at it.",
                f"same text from {readers} readers within "
                f"{rules.repeat_many_window_minutes} minutes",
            )
        return None
