"""Every webhook event type, produced by the real actions, validates against the schema the
OpenAPI document publishes for it; no payload carries an e-mail address."""

from __future__ import annotations

from typing import Any

import httpx
import jsonschema_rs

from factories import make_comment, make_reader, make_story, moderate, viewer
from rejoinder.comments.editing import delete_comment, edit_comment
from rejoinder.comments.feedback import report
from rejoinder.docsgen import openapi_document
from rejoinder.moderation.access import Scope
from rejoinder.moderation.actions.readers import sanction
from rejoinder.moderation.schemas import SanctionInput
from rejoinder.plans.service import sync_subscriber
from rejoinder.runtime import Runtime
from rejoinder.webhooks.payloads import EVENT_TYPES
from rejoinder.webhooks.worker import Webhooks
from webhooks.receiver import Receiver
from webhooks.support import drain, register


def _validator(document: dict[str, Any], event_type: str) -> Any:
    operation = document["webhooks"][event_type]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]
    schema = {"$ref": ref["$ref"], "components": document["components"]}
    return jsonschema_rs.validator_for(schema)


async def _every_event(runtime: Runtime) -> None:
    story = await make_story(runtime, key="payloads")
    await make_story(runtime, key="payloads", title="A new title")  # story.updated
    author = await make_reader(runtime)
    other = await make_reader(runtime)
    comment = await make_comment(runtime, author, story, "First words")
    me = await viewer(runtime, author.account_id)
    await edit_comment(runtime, me, comment["id"], body="Better words", client="t")
    await report(
        runtime, await viewer(runtime, other.account_id), comment["id"], "spam", None, client="t"
    )
    await moderate(runtime, comment["id"], "feature")
    await moderate(runtime, comment["id"], "reject")
    second = await make_comment(runtime, author, story, "A second comment")
    await delete_comment(runtime, me, second["id"])
    admin = await make_reader(runtime, role="admin")
    scope = Scope(account_id=admin.account_id, display_name=None, is_admin=True, sites=frozenset())
    await sanction(runtime, scope, other.account_id, SanctionInput(kind="ban", reason="Abuse"))
    await sync_subscriber(runtime, other.external_id, "premium")


async def test_every_event_type_is_sent_as_the_document_describes(
    runtime: Runtime, client: httpx.AsyncClient, hooks: Webhooks, receiver: Receiver
) -> None:
    await register(client, receiver, list(EVENT_TYPES))
    await _every_event(runtime)
    await drain(runtime, hooks)
    document = openapi_document()
    assert document["openapi"].startswith("3.1")
    assert set(document["webhooks"]) == set(EVENT_TYPES)
    bodies = receiver.bodies()
    assert {b["type"] for b in bodies} == set(EVENT_TYPES)
    for body in bodies:
        errors = [e.message for e in _validator(document, body["type"]).iter_errors(body)]
        assert errors == [], (body, errors)
        assert body["version"] == 1
    assert all(r.verified_with for r in receiver.received)
    raw = b"".join(r.body for r in receiver.received)
    assert b"@" not in raw  # no e-mail address, in any payload
    changes = [b["data"]["change"] for b in bodies if b["type"] == "comment.status_changed"]
    assert changes == ["featured", "rejected"]
    sanctioned = next(b for b in bodies if b["type"] == "reader.sanctioned")
    assert sanctioned["data"]["kind"] == "ban"
    assert sanctioned["data"]["sanction_id"] is not None


async def test_the_served_document_carries_the_webhooks_too(client: httpx.AsyncClient) -> None:
    served = (await client.get("/api/docs/openapi.json")).json()
    assert set(served["webhooks"]) == set(EVENT_TYPES)
    assert served["webhooks"] == openapi_document()["webhooks"]
