"""The OpenAPI 3.1 ``webhooks`` section: one operation per event type, its payload schema.

Generated from ``webhooks.payloads``, the structs the deliveries are encoded from.
"""

from __future__ import annotations

from typing import Any

import msgspec

from rejoinder.webhooks.payloads import PAYLOADS, VERSION

HEADERS = {
    "webhook-id": "The message id: the same on every attempt of this event to this endpoint "
    "(de-duplicate by it).",
    "webhook-timestamp": "Seconds since the epoch, when this attempt was signed.",
    "webhook-signature": "Space-separated `v1,<base64 HMAC-SHA256>` signatures of "
    "`{webhook-id}.{webhook-timestamp}.{body}`, one per live secret (two during a rotation).",
}


def webhook_document() -> dict[str, Any]:
    """``{"webhooks": {...}, "schemas": {...}}`` to merge into the API document."""
    kinds = [kind for kind, _ in PAYLOADS.values()]
    refs, schemas = msgspec.json.schema_components(
        kinds, ref_template="#/components/schemas/{name}"
    )
    webhooks: dict[str, Any] = {}
    for (name, (_, summary)), ref in zip(PAYLOADS.items(), refs, strict=True):
        webhooks[name] = {
            "post": {
                "summary": summary,
                "description": f"Payload version {VERSION}. Signed as Standard Webhooks "
                "specifies; see docs/webhooks.md. Answer 2xx within 15 s; anything else is "
                "retried.",
                "operationId": "webhook_" + name.replace(".", "_"),
                "tags": ["webhooks"],
                "parameters": [
                    {
                        "name": header,
                        "in": "header",
                        "required": True,
                        "description": text,
                        "schema": {"type": "string"},
                    }
                    for header, text in HEADERS.items()
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref}},
                },
                "responses": {
                    "2XX": {"description": "Received. Any other answer (or none) is retried."}
                },
            }
        }
    return {"webhooks": webhooks, "schemas": schemas}
