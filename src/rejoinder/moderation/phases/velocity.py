"""Rate and velocity. Bursts (per minute) are already refused with 429 by the comments
service; this phase holds a sustained flood from one reader (per hour) for a human look."""

from __future__ import annotations

from rejoinder.moderation.phases.base import Candidate, Outcome


class Velocity:
    name = "velocity"

    def check(self, candidate: Candidate) -> Outcome | None:
        limit = candidate.rules.velocity_per_hour
        posted = candidate.facts.comments_last_hour
        if posted < limit:
            return None
        return Outcome(
            "hold",
            "You are posting a lot: this comment will appear once a moderator has seen it.",
            f"{posted} comments in the last hour (limit {limit})",
        )
