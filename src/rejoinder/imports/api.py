"""HTTP: the admin export, streamed as JSON Lines (the same lines as ``rejoinder export``)."""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.params import Parameter
from litestar.response import Stream

from rejoinder.accounts.dependencies import AdminKey
from rejoinder.api.dependencies import RuntimeDep
from rejoinder.imports.exports import export_lines
from rejoinder.imports.formats.dates import parse_moment
from rejoinder.kernel.errors import Invalid
from rejoinder.stories.queries import require_site
from rejoinder.stories.schemas import SiteId

ADMIN: list[dict[str, list[str]]] = [{"admin_key": []}]


@get("/api/v1/admin/sites/{site:str}/export", tags=["imports"], security=ADMIN)
async def get_export(
    *,
    site: SiteId,
    admin: AdminKey,  # noqa: ARG001 - resolving the dependency is the authentication
    runtime: RuntimeDep,
    since: Annotated[
        str | None, Parameter(description="Only comments changed since (ISO 8601).")
    ] = None,
    with_emails: Annotated[
        bool, Parameter(description="Include the authors' e-mail addresses.")
    ] = False,
) -> Stream:
    """The whole site as JSON Lines (`application/x-ndjson`): a `meta` line, every `story`,
    every `author` (no e-mail unless `with_emails`), every `comment` with its revisions and
    status. Streamed: memory stays flat whatever the site's size (see docs/import.md)."""
    require_site(runtime.settings, site)
    moment = None
    if since is not None:
        moment = parse_moment(since)
        if moment is None:
            raise Invalid(f"{since!r} is not an ISO 8601 date.", code="invalid_date")
    lines = export_lines(
        runtime.db, site, runtime.clock.now(), since=moment, with_emails=with_emails
    )
    return Stream(
        lines,
        media_type="application/x-ndjson",
        headers={"Content-Disposition": f'attachment; filename="{site}.jsonl"'},
    )


ROUTES = [get_export]
