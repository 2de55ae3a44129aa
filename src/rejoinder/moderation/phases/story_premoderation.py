"""Story pre-moderation: editors mark sensitive stories (court cases, deaths) so every comment
waits for a moderator."""

from __future__ import annotations

from rejoinder.moderation.phases.base import Candidate, Outcome


class StoryPremoderation:
    name = "story_premoderation"

    def check(self, candidate: Candidate) -> Outcome | None:
        if not candidate.ctx.story_premoderated:
            return None
        return Outcome(
            "hold",
            "Comments on this story are reviewed before they appear.",
            "story is pre-moderated",
        )
