"""Who is making a request: the account behind a bearer token, as of this request."""

from __future__ import annotations

from datetime import datetime

import msgspec

from rejoinder.settings import PlanSettings

STAFF_ROLES = frozenset({"staff", "moderator", "admin"})


class Viewer(msgspec.Struct, frozen=True, kw_only=True):
    """Read fresh from the database on every request, so plan and status changes apply at once."""

    account_id: int
    external_id: str | None
    role: str
    plan: PlanSettings
    display_name: str | None
    status: str
    status_until: datetime | None
    status_reason: str | None
    badges: tuple[str, ...]
    token_id: int
    registered_first_name: str | None = None
    registered_surname: str | None = None
    #: SSO verification claims that were true in the reader's last sign-in (``phone_verified``).
    verified: tuple[str, ...] = ()

    def can(self, entitlement: str) -> bool:
        return entitlement in self.plan.entitlements

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_moderator(self) -> bool:
        return self.role in {"moderator", "admin"}
