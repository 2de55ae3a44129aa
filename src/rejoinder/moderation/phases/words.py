"""Word lists: banned words reject, suspect words hold or flag. Both lists are compiled once at
start-up and matched in one pass on word boundaries ("Scunthorpe" passes), inside Japanese
text, and through leetspeak and spacing tricks (see ``moderation.text.wordlist``)."""

from __future__ import annotations

from rejoinder.moderation.phases.base import Candidate, Outcome
from rejoinder.moderation.text.wordlist import WordList


def _listed(words: WordList, candidate: Candidate) -> list[str]:
    return sorted({match.entry for match in words.find(candidate.prepared)})


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
        found = _listed(self.words, candidate) if self.words else []
        if not found:
            return None
        action = candidate.rules.suspect_action
        return Outcome(
            action,
            "Your comment will appear once a moderator has reviewed it.",
            "suspect: " + ", ".join(found),
        )
