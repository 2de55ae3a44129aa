"""Threat phrases ("I will kill you", "someone should shoot him", 「殺すぞ」): the toxicity
model misses most threats, so a curated phrase list holds them for a moderator."""

from __future__ import annotations

from rejoinder.moderation.phases.base import Candidate, Outcome
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
        return Outcome(
            action,
            "Your comment will appear once a moderator has reviewed it.",
            "threat: " + ", ".join(sorted({m.phrase for m in found})),
        )
