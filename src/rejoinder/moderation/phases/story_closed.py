"""Story closed: checked again here because the story may close between the service's check
and this comment (an editor closing a heated thread)."""

from __future__ import annotations

from rejoinder.kernel.errors import Conflict
from rejoinder.moderation.phases.base import Candidate, Outcome


class StoryClosed:
    name = "story_closed"

    def check(self, candidate: Candidate) -> Outcome | None:
        facts, now = candidate.facts, candidate.ctx.now
        closed = facts.story_status in {"closed", "hidden"} or (
            facts.story_close_at is not None and facts.story_close_at <= now
        )
        if not closed:
            return None
        message = "Comments on this story are closed."
        return Outcome("refuse", message, "story closed", Conflict(message, code="story_closed"))
