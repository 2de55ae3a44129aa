"""Commenting switched off for a site, or its scheduled quiet hours (when no moderator is on
duty, comments wait for one, or are refused, as the site chooses)."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from rejoinder.kernel.errors import Conflict
from rejoinder.moderation.phases.base import Candidate, Outcome
from rejoinder.settings import QuietHours as QuietHoursSettings


def _clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def in_quiet_hours(rule: QuietHoursSettings, now: datetime) -> bool:
    local = now.astimezone(ZoneInfo(rule.timezone)).time()
    start, end = _clock(rule.start), _clock(rule.end)
    if start <= end:
        return start <= local < end
    return local >= start or local < end  # over midnight


class QuietHours:
    name = "quiet_hours"

    def check(self, candidate: Candidate) -> Outcome | None:
        site = candidate.ctx.site_id
        rules = candidate.rules
        if site in rules.disabled_sites:
            message = "Commenting is switched off on this site for now."
            return Outcome(
                "refuse", message, "site disabled", Conflict(message, code="commenting_disabled")
            )
        for rule in rules.quiet_hours:
            if rule.site not in {"*", site} or not in_quiet_hours(rule, candidate.ctx.now):
                continue
            window = f"{rule.start}-{rule.end} {rule.timezone}"
            if rule.action == "refuse":
                message = f"Comments are closed during quiet hours ({window})."
                return Outcome(
                    "refuse",
                    message,
                    f"quiet hours {window}",
                    Conflict(message, code="quiet_hours"),
                )
            return Outcome(
                "hold",
                f"Comments posted during quiet hours ({window}) are reviewed before they appear.",
                f"quiet hours {window}",
            )
        return None
