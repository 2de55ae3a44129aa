"""HTTP handlers of the account page's API: my comments, export, deletion (notification
settings are ``rejoinder.notifications.api``)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Response, delete, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import QueryParameter
from litestar.status_codes import HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from rejoinder.account_page import queries, service
from rejoinder.account_page.schemas import (
    DataExport,
    DeletionView,
    MyCommentsPage,
    RepliesReceived,
)
from rejoinder.accounts.dependencies import CurrentViewer
from rejoinder.api.dependencies import RuntimeDep
from rejoinder.kernel.bounds import END

READER: list[dict[str, list[str]]] = [{"reader": []}]


@get("/api/v1/me/comments", tags=["account"], security=READER)
async def get_my_comments(
    me: CurrentViewer,
    runtime: RuntimeDep,
    # At most 18 digits: any such number fits the 64-bit id column.
    cursor: Annotated[
        str | None, QueryParameter(max_length=18, pattern=r"^[0-9]{1,18}" + END)
    ] = None,
) -> MyCommentsPage:
    """My comments, newest first, in every status, with a link back to each."""
    return await queries.my_comments(runtime, me.account_id, int(cursor) if cursor else None)


@get("/api/v1/me/replies", tags=["account"], security=READER)
async def get_replies_received(me: CurrentViewer, runtime: RuntimeDep) -> RepliesReceived:
    """The latest published replies others wrote to my comments."""
    return await queries.replies_received(runtime, me.account_id)


@get(
    "/api/v1/me/export",
    tags=["account"],
    security=READER,
    responses={
        200: ResponseSpec(
            data_container=DataExport,
            description="The export, as a JSON file to download.",
            generate_examples=False,
        )
    },
)
async def export_my_data(me: CurrentViewer, runtime: RuntimeDep) -> Response[bytes]:
    """Everything Rejoinder holds about me, as a JSON file to download."""
    document = await queries.export(runtime, me.account_id)
    stamp = document.exported_at.strftime("%Y%m%d")
    return Response(
        msgspec.json.format(msgspec.json.encode(document), indent=2),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="rejoinder-data-{stamp}.json"',
            "Cache-Control": "no-store",
        },
    )


@get("/api/v1/me/deletion", tags=["account"], security=READER)
async def get_deletion(me: CurrentViewer, runtime: RuntimeDep) -> DeletionView:
    """Whether my account is scheduled for deletion, and when."""
    async with runtime.db.read() as conn:
        return await queries.deletion(conn, me.account_id)


@post("/api/v1/me/deletion", tags=["account"], security=READER, status_code=HTTP_202_ACCEPTED)
async def request_deletion(me: CurrentViewer, runtime: RuntimeDep) -> DeletionView:
    """Delete my account and data after a 14-day grace period (cancel any time before)."""
    return await service.request_deletion(runtime, me)


@delete("/api/v1/me/deletion", tags=["account"], security=READER, status_code=HTTP_204_NO_CONTENT)
async def cancel_deletion(me: CurrentViewer, runtime: RuntimeDep) -> None:
    """Cancel the pending deletion of my account."""
    await service.cancel_deletion(runtime, me)


ROUTES = [
    get_my_comments,
    get_replies_received,
    export_my_data,
    get_deletion,
    request_deletion,
    cancel_deletion,
]
