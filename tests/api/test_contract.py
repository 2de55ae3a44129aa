"""The OpenAPI document describes the errors, the closed bodies and the configured values."""

from __future__ import annotations

import re
from typing import Any

import httpx

from rejoinder.api.contract import ERRORS, METHODS
from rejoinder.app import create_app
from rejoinder.docsgen import openapi_document
from rejoinder.runtime import Runtime
from rejoinder.settings import Settings


def operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f"{method.upper()} {path}": item[method]
        for path, item in document["paths"].items()
        for method in METHODS
        if method in item
    }


def test_every_operation_documents_its_problems() -> None:
    document = openapi_document()
    found = operations(document)
    assert set(found) == set(ERRORS), "rejoinder.api.contract.ERRORS and the routes differ"
    for name, operation in found.items():
        for status, response in operation["responses"].items():
            content = response.get("content", {})
            if int(status) < 400:
                continue
            if (name, status) == ("GET /readyz", "503"):  # a load balancer's answer: checks
                assert content["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Readiness"
                }
                continue
            assert list(content) == ["application/problem+json"], (name, status)
            parts = content["application/problem+json"]["schema"]["allOf"]
            assert parts[0] == {"$ref": "#/components/schemas/Problem"}
            assert parts[1]["properties"]["code"]["enum"], (name, status)
        if operation.get("security"):
            assert "401" in operation["responses"], name
        if "requestBody" in operation:
            codes = operation["responses"]["400"]["description"]
            assert "json_too_deep" in codes, name
            assert "422" in operation["responses"], name
    sso = found["POST /api/v1/auth/sso"]["responses"]["401"]["content"]
    codes = sso["application/problem+json"]["schema"]["allOf"][1]["properties"]["code"]["enum"]
    assert {"token_replayed", "token_exhausted", "token_not_yet_valid"} <= set(codes)


def test_request_bodies_are_closed_and_the_export_is_described() -> None:
    document = openapi_document()
    schemas = document["components"]["schemas"]
    for name in ("SsoRequest", "CommentCreate", "StoryUpsert", "BulkActionInput", "QueueFilter"):
        assert schemas[name]["additionalProperties"] is False, name
    export = operations(document)["GET /api/v1/me/export"]["responses"]["200"]
    assert export["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/DataExport"
    }
    notifications = schemas["NotificationSettingsUpdate"]["properties"]["reply"]
    assert {"type": "boolean"} in notifications["oneOf"]


async def test_the_served_document_carries_the_configured_values(
    settings: Settings, runtime: Runtime
) -> None:
    settings.comments.reaction_kinds = ["like", "insightful"]
    settings.moderation.report_reasons = ["spam", "abuse"]
    app = create_app(settings, runtime=runtime)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://rejoinder.test") as http:
        document = (await http.get("/api/docs/openapi.json")).json()
    react = operations(document)["PUT /api/v1/comments/{comment_id}/reactions/{kind}"]
    [kind] = [p for p in react["parameters"] if p["name"] == "kind"]
    assert kind["schema"]["enum"] == ["like", "insightful"]
    reason = document["components"]["schemas"]["ReportCreate"]["properties"]["reason"]
    assert reason["enum"] == ["spam", "abuse"]


async def test_options_names_every_method_of_its_path(settings: Settings, runtime: Runtime) -> None:
    """``Allow`` lists what the document lists, also where several handlers share a path
    (Litestar 2 named only the first one's methods there)."""
    app = create_app(settings, runtime=runtime)
    transport = httpx.ASGITransport(app=app)
    documented = openapi_document()["paths"]
    async with httpx.AsyncClient(transport=transport, base_url="http://rejoinder.test") as http:
        for path, item in documented.items():
            concrete = re.sub(r"\{[^}]+\}", "1", path.replace("{site}", "news"))
            response = await http.options(concrete)
            assert response.status_code == 204, path
            allow = {m.strip() for m in response.headers["allow"].split(",")}
            assert allow == {m.upper() for m in METHODS if m in item} | {"OPTIONS"}, path
