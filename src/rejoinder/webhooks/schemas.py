"""Input and output shapes of the webhooks admin API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from litestar.params import PathParameter
from msgspec import Meta

from rejoinder.kernel.bounds import END, MAX_ID, Line
from rejoinder.webhooks.payloads import EVENT_TYPES

URL = r"^https?://[^\s\x00-\x1f\x7f-\x9f]+" + END
EventType = Literal.__getitem__(EVENT_TYPES)
WebhookUrl = Annotated[
    str, Meta(min_length=8, max_length=2000, pattern=URL, description="http(s), public address.")
]
Events = Annotated[
    list[EventType],  # type: ignore[valid-type]
    Meta(min_length=1, max_length=len(EVENT_TYPES), description="The event types to receive."),
]
Description = Annotated[Line, Meta(max_length=500)]
EndpointId = Annotated[int, PathParameter(ge=1, le=MAX_ID, description="The endpoint's id.")]
DeliveryId = Annotated[int, PathParameter(ge=1, le=MAX_ID, description="The delivery's id.")]


class WebhookCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    url: WebhookUrl
    events: Events
    description: Description = ""


class WebhookUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Only the fields given change. Enabling an endpoint clears its failure record."""

    url: WebhookUrl | None = None
    events: Events | None = None
    description: Description | None = None
    enabled: bool | None = None


class WebhookView(msgspec.Struct, kw_only=True):
    id: int
    url: str
    events: list[str]
    description: str
    enabled: bool
    disabled_reason: Annotated[
        Literal["failing"] | None,
        Meta(description="`failing`: Rejoinder disabled it after failing for days."),
    ]
    disabled_at: datetime | None
    failing_since: Annotated[
        datetime | None, Meta(description="The first failure since the last success.")
    ]
    previous_secret_expires_at: Annotated[
        datetime | None, Meta(description="During a rotation: until when the old secret signs.")
    ]
    pending_deliveries: int
    created_at: datetime
    updated_at: datetime


class WebhookWithSecret(WebhookView, kw_only=True):
    secret: Annotated[
        str, Meta(description="The signing secret (`whsec_…`). Shown only this once: keep it.")
    ]


class WebhookList(msgspec.Struct, kw_only=True):
    endpoints: list[WebhookView]


class DeliveryView(msgspec.Struct, kw_only=True):
    id: int
    event_id: int
    event_type: str
    webhook_id: Annotated[str, Meta(description="The `webhook-id` header, the same every try.")]
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_duration_ms: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


class DeliveryList(msgspec.Struct, kw_only=True):
    deliveries: list[DeliveryView]
    next_before: Annotated[
        int | None, Meta(description="Pass as `before` for older deliveries; null at the end.")
    ]
