"""Threat phrases ("I will kill you", "the mayor should be hanged", 「殺してやる」): held at
once, never nudged (a threat is not incivility to rephrase). A threat that only appears inside
quotation marks in a comment that reports or condemns it ('the court heard he said "I will kill
you"') is flagged for the desk instead: publishing it is the newsroom's call, not a hold's."""

from __future__ import annotations

from rejoinder.moderation.phases.base import HELD, Candidate, Outcome
from rejoinder.moderation.text.threats import ThreatPhrases


class Threats:
    name = "threats"

    def __init__(self, phrases: ThreatPhrases) -> None:
        self.phrases = phrases

    def check(self, candidate: Candidate) -> Outcome | None:
        action = candidate.rules.threat_action
        if action == "off":
            return None
        found = self.phrases.find(candidate.prepared)
        if not found:
            return None
        phrases = ", ".join(sorted({m.phrase for m in found}))
        quoting = candidate.quoting
        if quoting.reported and all(quoting.inside(m.start, m.end) for m in found):
            return Outcome("flag", "", "threat quoted in a report: " + phrases)
        return Outcome(action, HELD, "threat: " + phrases)
