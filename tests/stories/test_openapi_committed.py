"""docs/openapi.json is generated (``make docs``) and committed; this fails when it is stale."""

from __future__ import annotations

import json
from pathlib import Path

from rejoinder.docsgen import openapi_document

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_openapi_document_is_up_to_date() -> None:
    assert COMMITTED.exists(), "run `make docs` and commit docs/openapi.json"
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert committed == openapi_document(), "docs/openapi.json is stale: run `make docs`"


def test_comment_routes_are_documented() -> None:
    paths = openapi_document()["paths"]
    for path in (
        "/api/v1/sites/{site}/stories/{story_id}/comments",
        "/api/v1/comments/{comment_id}",
        "/api/v1/comments/{comment_id}/replies",
        "/api/v1/comments/{comment_id}/reactions/{kind}",
        "/api/v1/comments/{comment_id}/reports",
        "/api/v1/sites/{site}/counts",
        "/api/v1/admin/sites/{site}/stories/{story_id}",
    ):
        assert path in paths, path
    listing = paths["/api/v1/sites/{site}/stories/{story_id}/comments"]
    assert "CommentPage" in json.dumps(listing["get"]["responses"]["200"])
    assert "CommentCreated" in json.dumps(listing["post"]["responses"]["201"])
