"""HTTP handlers of the live streams: thin; ``service`` opens, the hub feeds."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import HeaderParameter, QueryParameter

from rejoinder.accounts.dependencies import CurrentViewer, OptionalViewer
from rejoinder.api.dependencies import RuntimeDep, bearer_token
from rejoinder.live import service
from rejoinder.live.response import NO_COMPRESSION, LiveResponse
from rejoinder.stories.schemas import SiteId, StoryKey

EVENT_STREAM = "text/event-stream"
STREAM_SPEC = {
    200: ResponseSpec(
        data_container=str,
        media_type=EVENT_STREAM,
        description="Server-Sent Events (see docs/live.md for the events and their data).",
        generate_examples=False,
    )
}
LastEventHeader = Annotated[
    str | None,
    HeaderParameter(
        name="Last-Event-ID",
        max_length=1000,
        description="Resume after this event id (sent by EventSource on reconnect); wins over "
        "`lastEventID`. An id the log cannot resume from starts the stream with `reset`.",
    ),
]
LastEventQuery = Annotated[
    str | None,
    QueryParameter(
        max_length=1000,
        description="The same as the `Last-Event-ID` header, for a first connection (an "
        "EventSource cannot set headers).",
    ),
]


def _response(opened: service.Opened) -> LiveResponse:
    return LiveResponse(
        opened.stream,
        media_type=EVENT_STREAM,
        headers={
            "Cache-Control": "no-store",
            "X-Accel-Buffering": "no",  # nginx: pass each event through at once
            "Last-Event-ID": str(opened.continues_from),
        },
    )


@get(
    "/api/v1/sites/{site:str}/stories/{story_id:str}/live",
    tags=["live"],
    responses=STREAM_SPEC,
    opt=NO_COMPRESSION,
)
async def story_live(
    *,
    request: Request[Any, Any, Any],
    site: SiteId,
    story_id: StoryKey,
    runtime: RuntimeDep,
    viewer: OptionalViewer,
    last_event_id: LastEventHeader = None,
    lastEventID: LastEventQuery = None,  # noqa: N803 - the public parameter's name
) -> LiveResponse:
    """A story's live updates: new published comments rendered as the page shows them,
    edits, deletions, removals, reaction counts and story changes; resumable by id. A
    signed-in author also sees their own pending comments and what became of them."""
    opened = await service.open_story_stream(
        runtime,
        site,
        story_id,
        viewer=viewer,
        token=bearer_token(request) if viewer is not None else None,
        last_event_id=service.parse_event_id(last_event_id, lastEventID),
    )
    return _response(opened)


@get(
    "/api/v1/moderation/live",
    tags=["moderation", "live"],
    security=[{"reader": []}],
    responses=STREAM_SPEC,
    opt=NO_COMPRESSION,
)
async def moderation_live(
    *, request: Request[Any, Any, Any], runtime: RuntimeDep, me: CurrentViewer
) -> LiveResponse:
    """The moderator's queues, live: `queue.counts` for each of their sites on connect and
    whenever they move, and `queue.item` with the card of each new or changed comment."""
    opened = await service.open_desk_stream(runtime, me, bearer_token(request))
    return _response(opened)


ROUTES = [story_live, moderation_live]
