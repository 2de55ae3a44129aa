"""Empty or too long: the comments service refuses both with 422 first; this phase keeps a
comment arriving another way (imports, a future API) to the same limits."""

from __future__ import annotations

from rejoinder.moderation.phases.base import Candidate, Outcome


class Length:
    name = "length"

    def check(self, candidate: Candidate) -> Outcome | None:
        body = candidate.ctx.body.strip()
        limit = candidate.settings.comments.max_length
        if not body:
            return Outcome("reject", "The comment is empty.", "empty body")
        if len(body) > limit:
            return Outcome(
                "reject",
                f"A comment can be at most {limit} characters.",
                f"{len(body)} characters, limit {limit}",
            )
        return None
