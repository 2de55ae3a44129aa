"""The API contract beyond what Litestar derives from the handlers: every error, exactly.

:func:`refine` takes Litestar's generated document and adds, in one pass:

- every operation's error responses as ``application/problem+json``: per status, a ``Problem``
  whose ``code`` is an ``enum`` of exactly the codes that operation can answer (the table
  :data:`ERRORS` plus the codes every operation of a kind shares: authentication, bodies,
  parameters). Litestar's own ``400`` (a shape we never send) goes;
- ``additionalProperties: false`` on every request body schema (the input structs forbid
  unknown fields, and ``rejoinder.api.bodies`` decodes them strictly);
- the configured reaction kinds and report reasons as enums;
- the two media types of the audit export.

A route missing from :data:`ERRORS` fails ``tests/api/test_contract.py``: a new route must say
how it fails. The schemathesis run in the tests checks every answer against the result.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from litestar import Request
from litestar.openapi.plugins import JsonRenderPlugin

from rejoinder.settings import Settings

Codes = Mapping[int, Sequence[str]]

PROBLEM: dict[str, Any] = {
    "type": "object",
    "description": "An RFC 9457 problem. `code` is stable and machine-readable; `detail` is "
    "the human message. Some problems add fields (`retry_after`, `reason`, `errors`, "
    "`upgrade_url`).",
    "required": ["type", "title", "status", "code", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "retry_after": {"type": "integer", "description": "Seconds to wait (429)."},
        "reason": {"type": ["string", "null"]},
        "upgrade_url": {"type": ["string", "null"]},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"message": {"type": "string"}, "key": {"type": "string"}},
            },
        },
    },
}

STATUS_TEXT = {
    400: "The request could not be read (malformed or too deeply nested JSON).",
    401: "Not signed in, or the credentials are not valid.",
    403: "Signed in, but not allowed.",
    404: "Not found.",
    409: "In conflict with the current state.",
    413: "The request body is too large.",
    422: "The request is understood but refused; `code` says why.",
    429: "Too many requests; `Retry-After` says when to try again.",
}

READER_AUTH: Codes = {401: ("authentication_required", "invalid_token")}
OPTIONAL_AUTH: Codes = {401: ("invalid_token",)}
ADMIN_AUTH: Codes = {401: ("admin_key_required", "invalid_admin_key")}
BODY: Codes = {
    400: ("bad_request", "malformed_json", "json_too_deep"),
    413: ("request_too_large",),
    422: ("validation_failed",),
}
PARAMETERS: Codes = {422: ("validation_failed",)}
PATH: Codes = {404: ("not_found",)}
MODERATOR: Codes = {403: ("moderator_required", "site_out_of_scope")}
LIMITED: Codes = {429: ("rate_limited",)}
SITE: Codes = {404: ("site_not_found",)}
GATE = (
    "account_banned",
    "account_suspended",
    "display_name_required",
    "plan_does_not_allow_commenting",
    "registered_name_required",
    "verification_required",
)
PIPELINE: Codes = {
    403: GATE,
    409: ("story_closed", "quiet_hours", "commenting_disabled"),
    422: ("comment_empty", "comment_too_long", "comment_nudged"),
}
COMMENT = {404: ("comment_not_found",)}
WEBHOOK: Codes = {404: ("webhook_not_found",)}
WEBHOOK_URL: Codes = {
    422: ("webhook_url_invalid", "webhook_url_unresolvable", "webhook_address_refused")
}

# Per operation ("METHOD /path"), the codes of its own actions; the shared ones are added
# from the operation's security, parameters and body.
ERRORS: dict[str, tuple[Codes, ...]] = {
    "GET /healthz": (),
    "GET /readyz": (),  # 503 is a Readiness body, not a problem
    # auth
    "POST /api/v1/auth/sso": (
        {
            401: (
                "sso_disabled",
                "invalid_token",
                "token_expired",
                "token_not_yet_valid",
                "token_replayed",
                "token_exhausted",
            ),
            422: ("invalid_claims", "unknown_plan"),
        },
        LIMITED,
    ),
    "POST /api/v1/auth/register": (
        {
            403: ("local_accounts_disabled",),
            409: ("email_taken",),
            422: ("email_invalid", "password_too_weak"),
        },
        LIMITED,
    ),
    "POST /api/v1/auth/login": (
        {401: ("invalid_credentials",), 403: ("local_accounts_disabled",)},
        LIMITED,
    ),
    "POST /api/v1/auth/logout": (),
    # plan sync and stories (admin key)
    "PUT /api/v1/admin/subscribers/{external_id}": ({422: ("unknown_plan",)},),
    "GET /api/v1/admin/subscribers/{external_id}": ({404: ("unknown_subscriber",)},),
    "PUT /api/v1/admin/subscribers/{external_id}/role": (
        {404: ("unknown_subscriber",), 422: ("unknown_role", "unknown_account")},
    ),
    "PUT /api/v1/admin/sites/{site}/stories/{story_id}": (SITE, {422: ("date_out_of_range",)}),
    # webhooks (admin key)
    "POST /api/v1/admin/webhooks": (WEBHOOK_URL,),
    "GET /api/v1/admin/webhooks": (),
    "GET /api/v1/admin/webhooks/{endpoint_id}": (WEBHOOK,),
    "PATCH /api/v1/admin/webhooks/{endpoint_id}": (WEBHOOK, WEBHOOK_URL),
    "DELETE /api/v1/admin/webhooks/{endpoint_id}": (WEBHOOK,),
    "POST /api/v1/admin/webhooks/{endpoint_id}/rotate-secret": (WEBHOOK,),
    "GET /api/v1/admin/webhooks/{endpoint_id}/deliveries": (WEBHOOK,),
    "POST /api/v1/admin/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver": (
        WEBHOOK,
        {404: ("delivery_not_found",)},
    ),
    "GET /api/v1/admin/sites/{site}/export": (SITE, {422: ("invalid_date",)}),
    # stories, widget
    "GET /api/v1/sites/{site}/counts": (
        SITE,
        {422: ("too_many_stories", "control_characters")},
    ),
    "GET /api/v1/sites/{site}/widget": ({404: ("unknown_site",)},),
    # profile
    "GET /api/v1/me": ({404: ("unknown_account",)},),
    "PUT /api/v1/me/profile": (
        {
            404: ("unknown_account",),
            409: ("display_name_taken", "display_name_change_too_soon"),
            422: (
                "display_name_invalid",
                "display_name_reserved",
                "bio_too_long",
                "registered_name_invalid",
            ),
        },
    ),
    "GET /api/v1/display-names/check": (LIMITED,),
    # comments
    "GET /api/v1/sites/{site}/stories/{story_id}/comments": (
        SITE,
        {
            403: ("domain_not_allowed",),
            404: ("story_not_found",),
            400: ("invalid_cursor",),
            422: ("invalid_url", "control_characters"),
        },
        LIMITED,
    ),
    "GET /api/v1/sites/{site}/stories/{story_id}/live": (
        SITE,
        {404: ("story_not_found",)},
        OPTIONAL_AUTH,
    ),
    "POST /api/v1/sites/{site}/stories/{story_id}/comments": (
        SITE,
        PIPELINE,
        {
            404: ("story_not_found",),
            422: ("parent_not_found", "idempotency_key_invalid", "idempotency_key_reused"),
        },
        LIMITED,
    ),
    "GET /api/v1/comments/{comment_id}": (COMMENT,),
    "GET /api/v1/comments/{comment_id}/replies": (COMMENT, {400: ("invalid_cursor",)}),
    "PATCH /api/v1/comments/{comment_id}": (
        COMMENT,
        PIPELINE,
        {
            403: ("not_comment_author", "edit_window_expired"),
            409: ("comment_deleted",),
        },
        LIMITED,
    ),
    "DELETE /api/v1/comments/{comment_id}": (COMMENT, {403: ("not_comment_author",)}),
    "PUT /api/v1/comments/{comment_id}/reactions/{kind}": (
        COMMENT,
        {403: (*GATE, "plan_does_not_allow_reacting"), 422: ("unknown_reaction",)},
        LIMITED,
    ),
    "DELETE /api/v1/comments/{comment_id}/reactions/{kind}": (
        COMMENT,
        {403: (*GATE, "plan_does_not_allow_reacting"), 422: ("unknown_reaction",)},
        LIMITED,
    ),
    "POST /api/v1/comments/{comment_id}/reports": (
        COMMENT,
        {
            403: (*GATE, "plan_does_not_allow_reporting"),
            409: ("already_reported",),
            422: ("unknown_report_reason", "cannot_report_own"),
        },
        LIMITED,
    ),
    # account page
    "GET /api/v1/me/notification-settings": (),
    "PUT /api/v1/me/notification-settings": ({422: ("unknown_time_zone",)},),
    # notifications
    "GET /api/v1/me/notifications": (),
    "POST /api/v1/me/notifications/read": ({422: ("selection_required",)},),
    "GET /api/v1/me/comments": (),
    "GET /api/v1/me/replies": (),
    "GET /api/v1/me/export": (),
    "GET /api/v1/me/deletion": (),
    "POST /api/v1/me/deletion": (),
    "DELETE /api/v1/me/deletion": (),
    # moderation
    "GET /api/v1/moderation/config": (MODERATOR,),
    "GET /api/v1/moderation/counts": (MODERATOR,),
    "GET /api/v1/moderation/live": (MODERATOR,),
    "GET /api/v1/moderation/queues/{queue}": (MODERATOR,),
    "GET /api/v1/moderation/comments/{comment_id}": (MODERATOR, COMMENT),
    "POST /api/v1/moderation/comments/{comment_id}/actions": (
        MODERATOR,
        COMMENT,
        {409: ("not_published",), 422: ("rejection_reason_required",)},
    ),
    "POST /api/v1/moderation/actions": (
        MODERATOR,
        COMMENT,
        {409: ("not_published",), 422: ("rejection_reason_required", "selection_required")},
    ),
    "GET /api/v1/moderation/readers/{account_id}": (MODERATOR, {404: ("reader_not_found",)}),
    "POST /api/v1/moderation/readers/{account_id}/sanctions": (
        MODERATOR,
        {
            403: ("admin_required", "cannot_sanction_staff"),
            404: ("reader_not_found", "site_not_found"),
            422: ("until_required",),
        },
    ),
    "POST /api/v1/moderation/sanctions/{sanction_id}/lift": (
        MODERATOR,
        {403: ("admin_required",), 404: ("sanction_not_found",)},
    ),
    "POST /api/v1/moderation/readers/{account_id}/notes": (
        MODERATOR,
        {404: ("reader_not_found",)},
    ),
    "GET /api/v1/moderation/audit": (MODERATOR,),
    "GET /api/v1/moderation/audit/export": (MODERATOR,),
    "PUT /api/v1/moderation/moderators/{account_id}/sites/{site}": (
        MODERATOR,
        {403: ("admin_required",), 404: ("site_not_found",), 422: ("not_a_moderator",)},
    ),
    "DELETE /api/v1/moderation/moderators/{account_id}/sites/{site}": (
        MODERATOR,
        {403: ("admin_required",), 404: ("site_not_found",), 422: ("not_a_moderator",)},
    ),
    # newsroom policies (issue #14)
    "GET /api/v1/moderation/protections": (MODERATOR,),
    "POST /api/v1/moderation/protections/{alert_id}/reopen": (
        MODERATOR,
        {404: ("alert_not_found",), 409: ("already_reopened",)},
    ),
    "POST /api/v1/sites/{site}/takedowns": (
        SITE,
        {
            404: ("comment_not_found",),
            422: (
                "unknown_takedown_reason",
                "takedown_invalid",
                "email_invalid",
                "control_characters",
            ),
        },
        LIMITED,
    ),
    "GET /api/v1/moderation/takedowns": (MODERATOR,),
    "POST /api/v1/moderation/takedowns/{request_id}/decision": (
        MODERATOR,
        COMMENT,
        {
            404: ("takedown_not_found",),
            409: ("takedown_decided", "not_published"),
            422: ("takedown_invalid", "rejection_reason_required"),
        },
    ),
}

OPTIONAL_VIEWER = {
    "GET /api/v1/sites/{site}/stories/{story_id}/comments",
    "GET /api/v1/comments/{comment_id}",
    "GET /api/v1/comments/{comment_id}/replies",
    "GET /api/v1/display-names/check",
}

METHODS = ("get", "put", "post", "patch", "delete")


def _merge(*tables: Codes) -> dict[int, list[str]]:
    merged: dict[int, list[str]] = {}
    for table in tables:
        for status, codes in table.items():
            known = merged.setdefault(status, [])
            known.extend(c for c in codes if c not in known)
    return merged


def _shared(name: str, operation: dict[str, Any]) -> list[Codes]:
    shared: list[Codes] = []
    schemes = {key for item in operation.get("security", []) for key in item}
    if "reader" in schemes:
        shared.append(READER_AUTH)
    if "admin_key" in schemes:
        shared.append(ADMIN_AUTH)
    if name in OPTIONAL_VIEWER:
        shared.append(OPTIONAL_AUTH)
    parameters = operation.get("parameters", [])
    if parameters:
        shared.append(PARAMETERS)
    if any(p.get("in") == "path" for p in parameters):
        shared.append(PATH)
    if "requestBody" in operation:
        shared.append(BODY)
    return shared


def _problem_responses(codes: dict[int, list[str]]) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for status in sorted(codes):
        schema = {
            "allOf": [
                {"$ref": "#/components/schemas/Problem"},
                {
                    "type": "object",
                    "properties": {"code": {"type": "string", "enum": sorted(codes[status])}},
                },
            ]
        }
        responses[str(status)] = {
            "description": STATUS_TEXT[status] + " Codes: " + ", ".join(sorted(codes[status])),
            "content": {"application/problem+json": {"schema": schema}},
        }
    return responses


def _is_litestar_default(response: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return "status_code" in schema.get("properties", {})


def _closed_bodies(document: dict[str, Any]) -> None:
    """``additionalProperties: false`` on each schema a request body reaches."""
    schemas = document["components"]["schemas"]
    seen: set[str] = set()

    def close(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in seen:
                    seen.add(name)
                    close(schemas[name])
                return
            if node.get("type") == "object" and "properties" in node:
                node["additionalProperties"] = False
            for value in node.values():
                close(value)
        elif isinstance(node, list):
            for value in node:
                close(value)

    for item in document["paths"].values():
        for method in METHODS:
            if method in item and "requestBody" in item[method]:
                close(item[method]["requestBody"])


def _configured_enums(document: dict[str, Any], settings: Settings) -> None:
    schemas = document["components"]["schemas"]
    reason = schemas.get("ReportCreate", {}).get("properties", {}).get("reason")
    if reason is not None:
        reason["enum"] = list(settings.moderation.report_reasons)
    for path, item in document["paths"].items():
        if "{kind}" not in path:
            continue
        for method in METHODS:
            for parameter in item.get(method, {}).get("parameters", []):
                if parameter["name"] == "kind":
                    parameter["schema"]["enum"] = list(settings.comments.reaction_kinds)


def _audit_export(document: dict[str, Any]) -> None:
    operation = document["paths"]["/api/v1/moderation/audit/export"]["get"]
    text = {"schema": {"type": "string"}}
    operation["responses"]["200"] = {
        "description": "The audit log as JSON lines (`format=jsonl`) or CSV (`format=csv`).",
        "content": {"application/x-ndjson": text, "text/csv": text},
    }


def _add_webhooks(document: dict[str, Any], webhooks: Mapping[str, Any]) -> None:
    """OpenAPI 3.1 ``webhooks`` (what Rejoinder sends) and their payloads' schemas."""
    schemas = document["components"]["schemas"]
    clash = set(schemas) & set(webhooks["schemas"])
    assert not clash, f"webhook payload schemas clash with API schemas: {sorted(clash)}"
    schemas.update(copy.deepcopy(webhooks["schemas"]))
    document["webhooks"] = copy.deepcopy(webhooks["webhooks"])


def refine(
    generated: dict[str, Any], settings: Settings, *, webhooks: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The committed and served document: Litestar's, plus the error contract (and the
    ``webhooks`` section, given by the wiring: the payloads live in a domain)."""
    document = copy.deepcopy(generated)
    document["components"].setdefault("schemas", {})["Problem"] = PROBLEM
    if webhooks is not None:
        _add_webhooks(document, webhooks)
    for path, item in document["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            name = f"{method.upper()} {path}"
            responses = operation.setdefault("responses", {})
            if "400" in responses and _is_litestar_default(responses["400"]):
                del responses["400"]
            # An operation missing from the table gets the shared codes only (and fails
            # tests/api/test_contract.py until it is added).
            codes = _merge(*_shared(name, operation), *ERRORS.get(name, ()))
            responses.update(_problem_responses(codes))
    _closed_bodies(document)
    _configured_enums(document, settings)
    _audit_export(document)
    return document


class ContractJsonPlugin(JsonRenderPlugin):
    """Serves ``/api/docs/openapi.json``: the refined document, built once."""

    def __init__(self, settings: Settings, *, webhooks: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        self._settings = settings
        self._webhooks = webhooks
        self._rendered: bytes | None = None

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        if self._rendered is None:
            document = refine(openapi_schema, self._settings, webhooks=self._webhooks)
            self._rendered = self.render_json(request, document)
        return self._rendered
