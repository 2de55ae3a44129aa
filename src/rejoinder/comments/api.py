"""HTTP handlers for comments: thin, one action each. Parameters are keyword-only because
Litestar passes them by name."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, delete, get, patch, post, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import HeaderParameter, JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from rejoinder.accounts.dependencies import CurrentViewer, OptionalViewer
from rejoinder.api.dependencies import RuntimeDep, client_address
from rejoinder.comments import editing, feedback, reading, service
from rejoinder.comments.schemas import (
    CommentCreate,
    CommentCreated,
    CommentEdit,
    CommentPage,
    CommentView,
    Permalink,
    ReactionsView,
    RepliesPage,
    ReportCreate,
    ReportView,
    Sort,
)
from rejoinder.kernel.bounds import LINE, MAX_ID
from rejoinder.stories.schemas import SiteId, StoryKey

READER: list[dict[str, list[str]]] = [{"reader": []}]
JSON = "application/json"
STORY_PATH = "/api/v1/sites/{site:str}/stories/{story_id:str}/comments"
CommentId = Annotated[int, PathParameter(ge=1, le=MAX_ID, description="A comment id.")]
Kind = Annotated[
    str,
    PathParameter(
        max_length=32, pattern=r"^[a-z][a-z0-9_]{0,31}$", description="A configured reaction kind."
    ),
]
Limit = Annotated[int | None, QueryParameter(ge=1, le=200, description="Items per page.")]
Cursor = Annotated[
    str | None,
    QueryParameter(max_length=200, pattern=LINE, description="`next_cursor` of the previous page."),
]
PageUrl = Annotated[
    str | None,
    QueryParameter(
        max_length=2000,
        pattern=LINE,
        description="The embedding page: creates the story on first load when it is on one of "
        "the site's allowed domains.",
    ),
]
Title = Annotated[
    str | None,
    QueryParameter(max_length=500, pattern=LINE, description="Title for lazy creation."),
]
IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        max_length=255,
        description="Retries with the same key create one comment and get the same response.",
    ),
]
AnyRequest = Request[Any, Any, Any]


@get(
    STORY_PATH,
    tags=["comments"],
    responses={
        200: ResponseSpec(
            data_container=CommentPage, description="A page of comments.", generate_examples=False
        )
    },
)
async def list_comments(
    *,
    site: SiteId,
    story_id: StoryKey,
    runtime: RuntimeDep,
    request: AnyRequest,
    viewer: OptionalViewer,
    sort: Annotated[Sort, QueryParameter(description="Order of top-level comments.")] = "newest",
    limit: Limit = None,
    cursor: Cursor = None,
    url: PageUrl = None,
    title: Title = None,
) -> Response[bytes]:
    """Top-level comments of a story, each with its first replies; keyset pagination.
    Signed-in authors also see their own pending comments, marked ``pending``."""
    body = await reading.read_page(
        runtime,
        site,
        story_id,
        sort=sort,
        limit=limit,
        cursor=cursor,
        url=url,
        title=title,
        viewer=viewer,
        client=client_address(request),
    )
    headers = {"Cache-Control": "private, no-cache" if viewer else "no-cache"}
    return Response(body, media_type=JSON, headers={**headers, "Vary": "Origin, Authorization"})


@post(
    STORY_PATH,
    tags=["comments"],
    security=READER,
    status_code=HTTP_201_CREATED,
    responses={
        201: ResponseSpec(
            data_container=CommentCreated, description="Accepted.", generate_examples=False
        )
    },
)
async def post_comment(
    *,
    site: SiteId,
    story_id: StoryKey,
    data: JSONBody[CommentCreate],
    me: CurrentViewer,
    runtime: RuntimeDep,
    request: AnyRequest,
    idempotency_key: IdempotencyKey = None,
) -> Response[bytes]:
    """Post a comment or a reply. The response says whether it is published or held.

    Refusals, in order: 401 ``authentication_required``; 403 ``plan_does_not_allow_commenting``,
    ``display_name_required``, ``account_suspended``, ``account_banned``; 409 ``story_closed``;
    422 ``comment_empty``, ``comment_too_long``, ``parent_not_found``; 429 ``rate_limited``.
    Then the moderation pipeline may ask the author to act: 422 ``comment_nudged`` (revise, or
    send the same text again to have it reviewed), 409 ``quiet_hours`` or
    ``commenting_disabled``, 403 for a sanction on this site. ``Idempotency-Key`` makes retries
    safe: the same key from the same reader answers the same response and stores one comment.
    """
    result = await service.create_comment(
        runtime,
        me,
        site,
        story_id,
        data.body,
        data.parent_id,
        idempotency_key=idempotency_key,
        client=client_address(request),
    )
    headers = {"Idempotent-Replayed": "true"} if result.replayed else None
    return Response(result.body, status_code=result.status_code, media_type=JSON, headers=headers)


@get("/api/v1/comments/{comment_id:int}", tags=["comments"])
async def get_comment(
    *, comment_id: CommentId, runtime: RuntimeDep, viewer: OptionalViewer
) -> Permalink:
    """One comment (a permalink) with its first replies and its ancestors, root first."""
    return await reading.read_permalink(runtime, comment_id, viewer)


@get("/api/v1/comments/{comment_id:int}/replies", tags=["comments"])
async def get_replies(
    *,
    comment_id: CommentId,
    runtime: RuntimeDep,
    viewer: OptionalViewer,
    limit: Limit = None,
    cursor: Cursor = None,
) -> RepliesPage:
    """Replies to a comment, oldest first."""
    return await reading.read_replies(
        runtime, comment_id, limit=limit, cursor=cursor, viewer=viewer
    )


@patch("/api/v1/comments/{comment_id:int}", tags=["comments"], security=READER)
async def patch_comment(
    *,
    comment_id: CommentId,
    data: JSONBody[CommentEdit],
    me: CurrentViewer,
    runtime: RuntimeDep,
    request: AnyRequest,
) -> CommentView:
    """Edit one's own comment within the edit window (``edit_window_expired`` after it,
    ``not_comment_author`` for others); the new text is moderated again."""
    return await editing.edit_comment(
        runtime, me, comment_id, body=data.body, client=client_address(request)
    )


@delete(
    "/api/v1/comments/{comment_id:int}",
    tags=["comments"],
    security=READER,
    status_code=HTTP_204_NO_CONTENT,
)
async def delete_comment(*, comment_id: CommentId, me: CurrentViewer, runtime: RuntimeDep) -> None:
    """Delete one's own comment; with replies it stays as a tombstone. Idempotent."""
    await editing.delete_comment(runtime, me, comment_id)


@put("/api/v1/comments/{comment_id:int}/reactions/{kind:str}", tags=["comments"], security=READER)
async def put_reaction(
    *,
    comment_id: CommentId,
    kind: Kind,
    me: CurrentViewer,
    runtime: RuntimeDep,
    request: AnyRequest,
) -> ReactionsView:
    """React to a comment (needs the ``react`` entitlement; idempotent)."""
    return await feedback.react(
        runtime, me, comment_id, kind, add=True, client=client_address(request)
    )


@delete(
    "/api/v1/comments/{comment_id:int}/reactions/{kind:str}",
    tags=["comments"],
    security=READER,
    status_code=HTTP_200_OK,
)
async def delete_reaction(
    *,
    comment_id: CommentId,
    kind: Kind,
    me: CurrentViewer,
    runtime: RuntimeDep,
    request: AnyRequest,
) -> ReactionsView:
    """Take a reaction back (idempotent)."""
    return await feedback.react(
        runtime, me, comment_id, kind, add=False, client=client_address(request)
    )


@post(
    "/api/v1/comments/{comment_id:int}/reports",
    tags=["comments"],
    security=READER,
    status_code=HTTP_201_CREATED,
)
async def post_report(
    *,
    comment_id: CommentId,
    data: JSONBody[ReportCreate],
    me: CurrentViewer,
    runtime: RuntimeDep,
    request: AnyRequest,
) -> ReportView:
    """Report a comment to the moderators (needs ``report``; once per reader and comment)."""
    return await feedback.report(
        runtime, me, comment_id, data.reason, data.note, client=client_address(request)
    )


ROUTES = [
    list_comments,
    post_comment,
    get_comment,
    get_replies,
    patch_comment,
    delete_comment,
    put_reaction,
    delete_reaction,
    post_report,
]
