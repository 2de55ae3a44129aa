"""The moderation seam: every new or edited comment is decided here before it is stored.

``rejoinder.app.create_runtime`` picks the pipeline once; handlers and actions only ever call
``runtime.moderation.decide(ctx)``. The real pipeline (an ordered list of small phases) plugs in
by being picked there, without touching any handler.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Protocol

import msgspec

DecisionStatus = Literal["published", "pending", "rejected"]


class ModerationContext(msgspec.Struct, frozen=True, kw_only=True):
    """What a phase may look at. ``comment_id`` and ``previous_body`` are set for edits."""

    site_id: str
    story_id: int
    story_key: str
    story_premoderated: bool
    account_id: int
    author_role: str
    author_status: str
    plan_id: str
    body: str
    body_html: str
    parent_id: int | None
    comment_id: int | None
    previous_body: str | None
    client: str
    now: datetime


class Attached(msgspec.Struct, frozen=True):
    """A row to store in the comment's own write transaction (e.g. the pipeline's check row).

    The store adds ``comment_id`` (known only once the comment is inserted) and sets the
    ``stamp`` column to the time of the write; ``values`` are plain column values. With
    ``replace``, the table's rows for the comment go first (an edit is checked afresh).
    """

    table: str
    values: dict[str, Any]
    stamp: str
    replace: bool = False


class Decision(msgspec.Struct, frozen=True, kw_only=True):
    """The outcome for one comment.

    ``reason`` may be shown to the author ("held for review: links need approval");
    ``detail`` is for moderators only (scores, matched words); ``phase`` names the check;
    ``attached`` are rows stored with the comment, in the same transaction.
    """

    status: DecisionStatus
    reason: str | None = None
    detail: str | None = None
    phase: str | None = None
    attached: tuple[Attached, ...] = ()


class ModerationPipeline(Protocol):
    async def decide(self, ctx: ModerationContext) -> Decision:
        """Decide one comment: publish, hold (``pending``) or reject it.

        Content is routed by the returned decision, never by an exception. The one kind of
        refusal a pipeline may raise is a ``RejoinderError`` that asks the author to act before
        anything is stored: ``comment_nudged`` (422: revise, or send again to have it reviewed),
        ``quiet_hours`` / ``commenting_disabled`` (409) and site-level sanctions (403
        ``account_suspended`` / ``account_banned``). Slow checks are fine: no transaction is
        open while this runs.
        """
        ...


PUBLISHED = Decision(status="published")


class PassThroughPipeline:
    """The default until the real pipeline lands: publish, except on pre-moderated stories."""

    async def decide(self, ctx: ModerationContext) -> Decision:
        if ctx.story_premoderated:
            return Decision(
                status="pending",
                reason="Comments on this story are reviewed before they appear.",
                phase="story_premoderation",
            )
        return PUBLISHED
