"""Input and output shapes of stories."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from litestar.params import PathParameter
from msgspec import Meta

from rejoinder.kernel.bounds import END, LINE, TEXT, Line

SiteId = Annotated[
    str, PathParameter(max_length=64, pattern=LINE, description="A configured site id.")
]
StoryKey = Annotated[
    str,
    PathParameter(
        min_length=1, max_length=255, pattern=LINE, description="The publisher's id for the story."
    ),
]

# An http(s) address without spaces or control characters.
URL = r"^https?://[^\s\x00-\x1f\x7f-\x9f]+" + END


class StoryUpsert(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A story as the publisher describes it; ``PUT`` replaces every field given or defaulted."""

    title: Annotated[Line, Meta(min_length=1, max_length=500)]
    url: Annotated[str, Meta(max_length=2000, pattern=URL)]
    published_at: datetime | None = None
    section: Annotated[Line, Meta(max_length=255)] | None = None
    status: Literal["open", "closed"] = "open"
    close_at: Annotated[
        datetime | None, Meta(description="Close comments at this moment (UTC).")
    ] = None
    message: (
        Annotated[str, Meta(max_length=2000, pattern=TEXT, description="Shown above the comments.")]
        | None
    ) = None
    premoderated: Annotated[bool, Meta(description="Hold every new comment for a moderator.")] = (
        False
    )


class StoryView(msgspec.Struct, kw_only=True):
    """A story as readers see it. ``status`` already accounts for close dates and auto-close."""

    id: str
    title: str
    url: str
    status: Literal["open", "closed", "hidden"]
    comment_count: int
    message: str | None


class StoryAdminView(msgspec.Struct, kw_only=True):
    id: str
    site: str
    title: str
    url: str
    section: str | None
    status: Literal["open", "closed", "hidden"]
    published_at: datetime | None
    close_at: datetime | None
    closes_at: datetime | None
    message: str | None
    premoderated: bool
    comment_count: int
    created: bool = False


class CountsView(msgspec.Struct, kw_only=True):
    counts: dict[str, int]
