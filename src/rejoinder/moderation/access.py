"""Who may moderate what: admins every site, moderators the sites granted to them.

A moderator with no site granted moderates nothing: access is given, never assumed. Every
moderation action and read goes through :class:`Scope`, on the server.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec
from sqlalchemy import select

from rejoinder.accounts.viewer import Viewer
from rejoinder.kernel.errors import Forbidden
from rejoinder.moderation.models import moderator_scopes
from rejoinder.storage.database import Connection


class Scope(msgspec.Struct, frozen=True, kw_only=True):
    account_id: int
    display_name: str | None
    is_admin: bool
    sites: frozenset[str]

    def allows(self, site_id: str | None) -> bool:
        """``site_id`` None means "every site" (network-wide actions): admins only."""
        if self.is_admin:
            return True
        return site_id is not None and site_id in self.sites

    def check(self, site_id: str | None) -> None:
        if not self.allows(site_id):
            where = f"site {site_id!r}" if site_id else "every site"
            raise Forbidden(f"You do not moderate {where}.", code="site_out_of_scope")

    def visible_sites(self, all_sites: Iterable[str]) -> list[str]:
        return [s for s in all_sites if self.allows(s)]

    @property
    def sites_or_all(self) -> frozenset[str] | None:
        """The sites whose data this scope may read; None for every site (admins)."""
        return None if self.is_admin else self.sites

    @property
    def actor(self) -> str:
        return self.display_name or f"account {self.account_id}"


async def scope_for(conn: Connection, viewer: Viewer) -> Scope:
    """The viewer's moderation scope, or 403 ``moderator_required``."""
    if not viewer.is_moderator:
        raise Forbidden("This needs a moderator or admin account.", code="moderator_required")
    sites: frozenset[str] = frozenset()
    if viewer.role != "admin":
        rows = await conn.execute(
            select(moderator_scopes.c.site_id).where(
                moderator_scopes.c.account_id == viewer.account_id
            )
        )
        sites = frozenset(r.site_id for r in rows)
    return Scope(
        account_id=viewer.account_id,
        display_name=viewer.display_name,
        is_admin=viewer.role == "admin",
        sites=sites,
    )


def require_admin(viewer: Viewer) -> None:
    if viewer.role != "admin":
        raise Forbidden("Only an admin can do this.", code="admin_required")
