"""HTTP handlers of the moderation desk under ``/api/v1/moderation``: thin, one action each.

Every handler needs a signed-in moderator or admin; site scopes are checked by the actions.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import delete, get, post, put
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.response import Stream
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from rejoinder.accounts.dependencies import CurrentViewer
from rejoinder.api.dependencies import RuntimeDep
from rejoinder.kernel.bounds import LINE, MAX_ID
from rejoinder.moderation import service
from rejoinder.moderation.schemas import (
    AuditEntry,
    BulkActionInput,
    BulkResult,
    CommentActionInput,
    DeskConfig,
    ModerationCard,
    NoteInput,
    Queue,
    QueueCounts,
    QueueFilter,
    QueuePage,
    QueueSort,
    ReaderHistory,
    SanctionInput,
)

BASE = "/api/v1/moderation"
TAGS = ["moderation"]
SECURITY: list[dict[str, list[str]]] = [{"reader": []}]
Id = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
Site = Annotated[str | None, QueryParameter(max_length=64, pattern=LINE, description="A site id.")]
Text = Annotated[str | None, QueryParameter(max_length=200, pattern=LINE)]
Filter = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)]


class Created(msgspec.Struct):
    id: int


@get(f"{BASE}/config", tags=TAGS, security=SECURITY)
async def desk_config(*, runtime: RuntimeDep, me: CurrentViewer) -> DeskConfig:
    """The moderator's sites, rejection reasons and thresholds, for the desk."""
    return await service.desk_config(runtime, me)


@get(f"{BASE}/counts", tags=TAGS, security=SECURITY)
async def queue_counts(*, runtime: RuntimeDep, me: CurrentViewer, site: Site = None) -> QueueCounts:
    """Comments in each queue, recomputed from the data (capped at 10,000)."""
    return await service.queue_counts(runtime, me, site)


@get(f"{BASE}/queues/{{queue:str}}", tags=TAGS, security=SECURITY)
async def queue(
    *,
    runtime: RuntimeDep,
    me: CurrentViewer,
    queue: Annotated[Queue, PathParameter()],
    site: Site = None,
    story: Annotated[str | None, QueryParameter(max_length=255, pattern=LINE)] = None,
    phase: Annotated[str | None, QueryParameter(max_length=64, pattern=LINE)] = None,
    q: Text = None,
    author: Annotated[str | None, QueryParameter(max_length=128, pattern=LINE)] = None,
    sort: Annotated[QueueSort, QueryParameter()] = "oldest",
    offset: Annotated[int, QueryParameter(ge=0, le=100_000)] = 0,
    limit: Annotated[int, QueryParameter(ge=1, le=100)] = 25,
) -> QueuePage:
    """A queue: pending, reported, unmoderated, approved or rejected; filters combine."""
    flt = QueueFilter(queue=queue, site=site, story=story, phase=phase, q=q, author=author)
    return await service.queue(runtime, me, flt, sort=sort, offset=offset, limit=limit)


@get(f"{BASE}/comments/{{comment_id:int}}", tags=TAGS, security=SECURITY)
async def comment_card(*, runtime: RuntimeDep, me: CurrentViewer, comment_id: Id) -> ModerationCard:
    """One comment with its context: story, parent, author's record, findings, reports."""
    return await service.comment_card(runtime, me, comment_id)


@post(
    f"{BASE}/comments/{{comment_id:int}}/actions",
    tags=TAGS,
    security=SECURITY,
    status_code=HTTP_200_OK,
)
async def act_on_comment(
    *, runtime: RuntimeDep, me: CurrentViewer, comment_id: Id, data: JSONBody[CommentActionInput]
) -> BulkResult:
    """Approve, reject (``reason`` from the configured list, optional ``note`` to the
    author), feature / unfeature, pin / unpin."""
    return await service.act_on_comment(runtime, me, comment_id, data)


@post(f"{BASE}/actions", tags=TAGS, security=SECURITY, status_code=HTTP_200_OK)
async def bulk_action(
    *, runtime: RuntimeDep, me: CurrentViewer, data: JSONBody[BulkActionInput]
) -> BulkResult:
    """One action on a selection (``comment_ids``) or on everything a ``filter`` matches
    (up to 1,000 comments), in one transaction."""
    return await service.bulk(runtime, me, data)


@get(f"{BASE}/readers/{{account_id:int}}", tags=TAGS, security=SECURITY)
async def reader_history(
    *, runtime: RuntimeDep, me: CurrentViewer, account_id: Id
) -> ReaderHistory:
    """A reader's record: status, sanctions, notes, display names, rejection rate."""
    return await service.history(runtime, me, account_id)


@post(
    f"{BASE}/readers/{{account_id:int}}/sanctions",
    tags=TAGS,
    security=SECURITY,
    status_code=HTTP_201_CREATED,
)
async def sanction_reader(
    *, runtime: RuntimeDep, me: CurrentViewer, account_id: Id, data: JSONBody[SanctionInput]
) -> Created:
    """Warn, suspend until a date, ban, or pre-moderate a reader, on one site (``site``) or
    every site (admins); a ban may reject all their comments (``reject_existing``)."""
    return Created(id=await service.sanction(runtime, me, account_id, data))


@post(
    f"{BASE}/sanctions/{{sanction_id:int}}/lift",
    tags=TAGS,
    security=SECURITY,
    status_code=HTTP_204_NO_CONTENT,
)
async def lift_sanction(*, runtime: RuntimeDep, me: CurrentViewer, sanction_id: Id) -> None:
    """End a sanction now."""
    await service.lift_sanction(runtime, me, sanction_id)


@post(
    f"{BASE}/readers/{{account_id:int}}/notes",
    tags=TAGS,
    security=SECURITY,
    status_code=HTTP_201_CREATED,
)
async def add_note(
    *, runtime: RuntimeDep, me: CurrentViewer, account_id: Id, data: JSONBody[NoteInput]
) -> Created:
    """A moderator's note on a reader."""
    return Created(id=await service.add_note(runtime, me, account_id, data.body))


@get(f"{BASE}/audit", tags=TAGS, security=SECURITY)
async def audit_log(
    *,
    runtime: RuntimeDep,
    me: CurrentViewer,
    comment: Filter = None,
    account: Filter = None,
    before: Annotated[
        int | None, QueryParameter(ge=1, le=MAX_ID, description="Entries older than this id.")
    ] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
) -> list[AuditEntry]:
    """The audit log, newest first (moderators see their sites' entries)."""
    return await service.audit_entries(
        runtime, me, comment_id=comment, account_id=account, before_id=before, limit=limit
    )


@get(f"{BASE}/audit/export", tags=TAGS, security=SECURITY)
async def audit_export(
    *,
    runtime: RuntimeDep,
    me: CurrentViewer,
    format: Annotated[str, QueryParameter(pattern="^(jsonl|csv)$")] = "jsonl",  # noqa: A002 - the public parameter name
) -> Stream:
    """The whole visible audit log, oldest first, as JSON lines or CSV."""
    media = "text/csv" if format == "csv" else "application/x-ndjson"
    name = f"rejoinder-audit.{format}"
    return Stream(
        await service.audit_export(runtime, me, format),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@put(
    f"{BASE}/moderators/{{account_id:int}}/sites/{{site:str}}",
    tags=TAGS,
    security=SECURITY,
    status_code=HTTP_204_NO_CONTENT,
)
async def grant_site(
    *,
    runtime: RuntimeDep,
    me: CurrentViewer,
    account_id: Id,
    site: Annotated[str, PathParameter(max_length=64, pattern=LINE)],
) -> None:
    """Let a moderator moderate a site (admins only)."""
    await service.set_moderator_site(runtime, me, account_id, site, granted=True)


@delete(
    f"{BASE}/moderators/{{account_id:int}}/sites/{{site:str}}",
    tags=TAGS,
    security=SECURITY,
    status_code=HTTP_204_NO_CONTENT,
)
async def withdraw_site(
    *,
    runtime: RuntimeDep,
    me: CurrentViewer,
    account_id: Id,
    site: Annotated[str, PathParameter(max_length=64, pattern=LINE)],
) -> None:
    """Withdraw a site from a moderator (admins only)."""
    await service.set_moderator_site(runtime, me, account_id, site, granted=False)


ROUTES = [
    desk_config,
    queue_counts,
    queue,
    comment_card,
    act_on_comment,
    bulk_action,
    reader_history,
    sanction_reader,
    lift_sanction,
    add_note,
    audit_log,
    audit_export,
    grant_site,
    withdraw_site,
]
