"""Word lists: banned words reject, suspect words hold or flag. Both lists are compiled once at
start-up and matched in one pass on word boundaries ("Scunthorpe" passes), inside Japanese
text, and through leetspeak and spacing tricks (see ``moderation.text.wordlist``).

A suspect word that only appears inside quotation marks in a comment that reports or condemns
it ("calling her a 'dirty Paki' is racist", 「「ガイジ」は差別用語」) is counter-speech: flagged for
the desk, as the threats and dehumanisation phases do, not held. Quotation marks are needed:
an unquoted "calling you a <slur> is too kind" quotes nobody. Banned words reject wherever
they are: a site bans a word to keep it off its pages, quoted or not."""

from __future__ import annotations

from rejoinder.moderation.phases.base import Candidate, Outcome
from rejoinder.moderation.text.wordlist import Match, WordList


def _listed(words: WordList, candidate: Candidate) -> list[str]:
    return sorted({match.entry for match in words.find(candidate.prepared)})


def _names(matches: list[Match]) -> str:
    return ", ".join(sorted({match.entry for match in matches}))


class BannedWords:
    name = "banned_words"

    def __init__(self, words: WordList) -> None:
        self.words = words

    def check(self, candidate: Candidate) -> Outcome | None:
        found = _listed(self.words, candidate) if self.words else []
        if not found:
            return None
        return Outcome(
            "reject",
            "Your comment uses words that are not allowed here.",
            "banned: " + ", ".join(found),
        )


class SuspectWords:
    name = "suspect_words"

    def __init__(self, words: WordList) -> None:
        self.words = words

    def check(self, candidate: Candidate) -> Outcome | None:
        found = self.words.find(candidate.prepared) if self.words else []
        if not found:
            return None
        quoting = candidate.quoting
        if quoting.reported and all(quoting.inside_marks(m.start, m.end) for m in found):
            return Outcome("flag", "", "suspect word quoted in a report: " + _names(found))
        return Outcome(
            candidate.rules.suspect_action,
            "Your comment will appear once a moderator has reviewed it.",
            "suspect: " + _names(found),
        )
