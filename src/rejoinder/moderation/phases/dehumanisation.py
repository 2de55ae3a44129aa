"""Group dehumanisation ("<group> are vermin", 「<group>はゴキブリ」, "exterminate the <group>"):
held at once, never nudged. Quoted inside a comment that reports or condemns it, flagged."""

from __future__ import annotations

from rejoinder.moderation.phases.base import HELD, Candidate, Outcome
from rejoinder.moderation.text.dehumanisation import Dehumanisation


class Dehumanising:
    name = "dehumanisation"

    def __init__(self, patterns: Dehumanisation) -> None:
        self.patterns = patterns

    def check(self, candidate: Candidate) -> Outcome | None:
        action = candidate.rules.dehumanisation_action
        if action == "off":
            return None
        found = self.patterns.find(candidate.prepared)
        if not found:
            return None
        phrases = ", ".join(sorted({m.phrase for m in found}))
        quoting = candidate.quoting
        if quoting.reported and all(quoting.inside(m.start, m.end) for m in found):
            return Outcome("flag", "", "dehumanising language quoted in a report: " + phrases)
        return Outcome(action, HELD, "dehumanising: " + phrases)
