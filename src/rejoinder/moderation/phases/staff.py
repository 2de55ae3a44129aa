"""Staff comments are published (and badged by the comments views): journalists answering
readers must not wait in their own queue."""

from __future__ import annotations

from rejoinder.accounts.viewer import STAFF_ROLES
from rejoinder.moderation.phases.base import Candidate, Outcome


class Staff:
    name = "staff"

    def check(self, candidate: Candidate) -> Outcome | None:
        if candidate.ctx.author_role in STAFF_ROLES:
            return Outcome("publish", "", f"author role {candidate.ctx.author_role}")
        return None
