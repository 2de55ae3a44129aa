"""HTTP handlers for stories: the publisher's upsert and comment counts for article lists."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from litestar import Response, get, put
from litestar.params import JSONBody, QueryParameter

from rejoinder.accounts.dependencies import AdminKey
from rejoinder.api.dependencies import RuntimeDep
from rejoinder.kernel.bounds import check_line
from rejoinder.kernel.errors import Invalid
from rejoinder.stories import service
from rejoinder.stories.queries import admin_view, comment_counts, require_site
from rejoinder.stories.schemas import CountsView, SiteId, StoryAdminView, StoryKey, StoryUpsert

ADMIN: list[dict[str, list[str]]] = [{"admin_key": []}]
MAX_COUNTS = 100


@put("/api/v1/admin/sites/{site:str}/stories/{story_id:str}", tags=["stories"], security=ADMIN)
async def put_story(
    *,
    site: SiteId,
    story_id: StoryKey,
    data: JSONBody[StoryUpsert],
    admin: AdminKey,  # noqa: ARG001 - resolving the dependency is the authentication
    runtime: RuntimeDep,
) -> StoryAdminView:
    """Create or update a story: title, URL, publication date, section, open or closed, a
    closing date, a message shown above the comments, pre-moderation. Idempotent."""
    site_settings = require_site(runtime.settings, site)
    story, created = await service.upsert_story(runtime, site_settings, story_id, data)
    return admin_view(story, site_settings, runtime.clock.now(), created=created)


@get("/api/v1/sites/{site:str}/counts", tags=["stories"])
async def get_counts(
    *,
    site: SiteId,
    runtime: RuntimeDep,
    story: Annotated[
        list[str],
        QueryParameter(description="Story ids, repeated: `?story=a&story=b` (up to 100)."),
    ],
) -> Response[CountsView]:
    """Published comment counts for many stories at once (public, cacheable); unknown
    stories count 0. ``count.js`` calls this for article lists."""
    require_site(runtime.settings, site)
    keys = list(dict.fromkeys(s for s in story if s))
    if len(keys) > MAX_COUNTS or any(len(k) > 255 for k in keys):
        raise Invalid(f"Ask for at most {MAX_COUNTS} story ids at a time.", code="too_many_stories")
    for key in keys:
        check_line(key, "story id")
    async with runtime.db.read() as conn:
        counts = await comment_counts(conn, site, keys)
    ttl = runtime.settings.comments.cache_ttl_seconds
    return Response(
        CountsView(counts=counts),
        headers={"Cache-Control": f"public, max-age={ttl}", "Access-Control-Allow-Origin": "*"},
    )


COUNT_JS = (Path(__file__).parent.parent / "static" / "count.js").read_bytes()


@get("/count.js", tags=["stories"], include_in_schema=False, sync_to_thread=False)
def count_js() -> Response[bytes]:
    """The comment-count script for article lists (no build step, a few hundred bytes)."""
    return Response(
        COUNT_JS,
        media_type="text/javascript",  # Litestar adds the charset to text/* itself
        headers={"Cache-Control": "public, max-age=3600", "Access-Control-Allow-Origin": "*"},
    )


ROUTES = [put_story, get_counts, count_js]
