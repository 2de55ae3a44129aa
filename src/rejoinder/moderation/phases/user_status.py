"""User status: sanctions reject (a ban or suspension, network-wide or on this site, answers
403 like the comment gate does); a pre-moderated reader's comments are held."""

from __future__ import annotations

from rejoinder.kernel.errors import Forbidden
from rejoinder.moderation.phases.base import ActiveSanction, Candidate, Outcome


def _refusal(sanction: ActiveSanction) -> Outcome:
    why = f": {sanction.reason}" if sanction.reason else "."
    where = "on this site" if sanction.site_id else "from commenting"
    if sanction.kind == "ban":
        message = f"Your account is banned {where}{why}"
        error = Forbidden(message, code="account_banned")
    else:
        until = f" until {sanction.until:%Y-%m-%d %H:%M} UTC" if sanction.until else ""
        message = f"Your account is suspended{until}{why}"
        error = Forbidden(message, code="account_suspended")
    return Outcome("refuse", message, f"{sanction.kind} sanction", error)


class UserStatus:
    name = "user_status"

    def check(self, candidate: Candidate) -> Outcome | None:
        status = candidate.ctx.author_status
        if status in {"banned", "suspended"}:
            return Outcome("reject", "Your account may not comment.", f"account {status}")
        sanctions = candidate.facts.sanctions
        for kind in ("ban", "suspend"):
            for sanction in sanctions:
                if sanction.kind == kind:
                    return _refusal(sanction)
        if any(s.kind == "premoderate" for s in sanctions):
            return Outcome(
                "hold",
                "Your comments are reviewed by a moderator before they appear.",
                "reader is pre-moderated",
            )
        return None
