"""From catalogue events to public webhook payloads (``None``: not a webhook event)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rejoinder.events.base import Event
from rejoinder.events.catalogue import (
    CommentCreated,
    CommentDeleted,
    CommentEdited,
    CommentEvent,
    CommentFeatured,
    CommentReported,
    CommentStatusChanged,
    PlanChanged,
    ReaderSanctioned,
    StoryCreated,
    StoryEvent,
    StoryUpdated,
)
from rejoinder.webhooks import payloads as p

# Internal moderation states under their public names.
_PUBLIC = {"pending": "held"}


def _status(value: str) -> Any:  # one of ``payloads.PublicStatus``: the catalogue's states
    return _PUBLIC.get(value, value)


def _comment(event: CommentEvent) -> dict[str, Any]:
    return {
        "comment_id": event.comment_id,
        "story_id": event.story_id,
        "site_id": event.site_id,
        "story_key": event.story_key,
        "parent_id": event.parent_id,
        "author_account_id": event.account_id,
        "status": _status(event.status),
    }


def _story(event: StoryEvent) -> p.StoryData:
    return p.StoryData(story_id=event.story_id, site_id=event.site_id, story_key=event.story_key)


def payload_for(event: Event, at: datetime) -> p.Envelope | None:  # noqa: PLR0911 - one case per event
    """The payload ``event`` is delivered as, stamped ``at``; ``None`` for internal events."""
    v = p.VERSION
    if isinstance(event, CommentCreated):
        return p.CommentCreatedPayload(
            type="comment.created", version=v, timestamp=at, data=p.CommentData(**_comment(event))
        )
    if isinstance(event, CommentEdited):
        data = p.CommentEditedData(
            **_comment(event), previous_status=_status(event.previous_status)
        )
        return p.CommentEditedPayload(type="comment.edited", version=v, timestamp=at, data=data)
    if isinstance(event, CommentDeleted):
        deleted = p.CommentDeletedData(**_comment(event), tombstone=event.tombstone)
        return p.CommentDeletedPayload(
            type="comment.deleted", version=v, timestamp=at, data=deleted
        )
    if isinstance(event, CommentStatusChanged | CommentFeatured):
        return p.CommentStatusChangedPayload(
            type="comment.status_changed", version=v, timestamp=at, data=_status_data(event)
        )
    if isinstance(event, CommentReported):
        report = p.ReportData(
            report_id=event.report_id,
            comment_id=event.comment_id,
            story_id=event.story_id,
            site_id=event.site_id,
            story_key=event.story_key,
            reason=event.reason,
            reporter_account_id=event.reporter_id,
        )
        return p.ReportFiledPayload(type="report.filed", version=v, timestamp=at, data=report)
    if isinstance(event, ReaderSanctioned):
        sanction = p.SanctionData(
            account_id=event.account_id,
            kind=event.kind,
            site_id=event.site_id,
            sanction_id=event.sanction_id,
            until=event.until,
        )
        return p.ReaderSanctionedPayload(
            type="reader.sanctioned", version=v, timestamp=at, data=sanction
        )
    if isinstance(event, StoryCreated):
        return p.StoryCreatedPayload(
            type="story.created", version=v, timestamp=at, data=_story(event)
        )
    if isinstance(event, StoryUpdated):
        return p.StoryUpdatedPayload(
            type="story.updated", version=v, timestamp=at, data=_story(event)
        )
    if isinstance(event, PlanChanged):
        plan = p.PlanData(
            account_id=event.account_id, plan_id=event.plan_id, previous_plan_id=event.previous
        )
        return p.PlanChangedPayload(
            type="subscriber.plan_changed", version=v, timestamp=at, data=plan
        )
    return None


def _status_data(event: CommentStatusChanged | CommentFeatured) -> p.CommentStatusData:
    if isinstance(event, CommentFeatured):
        return p.CommentStatusData(
            **_comment(event),
            change="featured" if event.featured else "unfeatured",
            previous_status=None,
            featured=event.featured,
            moderator_account_id=None,
        )
    return p.CommentStatusData(
        **_comment(event),
        change=_status(event.status),
        previous_status=_status(event.previous_status),
        featured=None,
        moderator_account_id=event.moderator_id,
    )
