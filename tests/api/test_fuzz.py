"""A bounded schemathesis run over every operation of the committed OpenAPI document.

The app runs under uvicorn on a free port, on this run's database (SQLite or PostgreSQL). Each
operation gets a few generated requests, valid and invalid (positive and negative modes), as
each of three callers: a reader with an admin role (so the moderation operations are reached
past their gate), a plain digital reader, and the admin API key. Every answer must be a non-5xx
that the document describes: a documented status, its media type, a body matching its schema
(for problems, one of the operation's documented ``code`` values). Signing out gets a fresh
reader for each example, since it revokes the token it is sent with.

Hypothesis is derandomised and keeps no example database, so a run is repeatable; the budget
(``EXAMPLES``) keeps the module to well under a minute per database.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.served import Served, serve
from conftest import ADMIN_KEY, RsaPair

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
EXAMPLES = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

LOGOUT = "/api/v1/auth/logout"
document = schemathesis.openapi.from_path(str(DOCUMENT))
# Generated requests only: the coverage phase enumerates ~1,600 boundary cases up front, which
# would cost minutes; the fuzzing phase reaches the same bounds often enough in a few examples.
document.config.phases.update(phases=["fuzzing"])
# Signing out revokes the token it is sent with: it gets fresh readers of its own below.
# The live streams never end by themselves (tests/live drives them, bad input included).
LIVE = r"/live$"
schema = document.exclude(path=LOGOUT).exclude(path_regex=LIVE)
logout = document.include(path=LOGOUT)


@pytest.fixture(scope="module")
def server(
    template_database: str, tmp_path_factory: pytest.TempPathFactory, rsa_key: RsaPair
) -> Iterator[Served]:
    with serve(template_database, tmp_path_factory.mktemp("fuzz"), rsa_key) as served:
        # Every reader here signs in from 127.0.0.1; the address limit has its own tests.
        served.settings.sso.exchanges_per_minute_per_address = 100_000
        yield served


def _token(http: httpx.Client, served: Served, subject: str) -> dict[str, str]:
    grant = http.post("/api/v1/auth/sso", json={"token": served.sso(subject, plan="digital")})
    assert grant.status_code == 200, grant.text
    return {"Authorization": f"Bearer {grant.json()['access_token']}"}


def _sign_in(served: Served, subject: str, name: str, *, role: str | None) -> dict[str, str]:
    admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
    with httpx.Client(base_url=served.base_url) as http:
        headers = _token(http, served, subject)
        named = http.put("/api/v1/me/profile", json={"display_name": name}, headers=headers)
        assert named.status_code == 200, named.text
        if role is not None:
            granted = http.put(
                f"/api/v1/admin/subscribers/{subject}/role", json={"role": role}, headers=admin
            )
            assert granted.status_code == 200, granted.text
        story = http.put(
            "/api/v1/admin/sites/news/stories/fuzzed",
            json={"title": "Fuzzed", "url": "https://news.test/fuzzed"},
            headers=admin,
        )
        assert story.status_code == 200, story.text
        posted = http.post(
            "/api/v1/sites/news/stories/fuzzed/comments",
            json={"body": f"A comment by {subject}."},
            headers=headers,
        )
        assert posted.status_code == 201, posted.text
    return headers


@pytest.fixture(scope="module")
def callers(server: Served) -> dict[str, dict[str, str]]:
    return {
        "admin-role reader": _sign_in(server, "fuzz-1", "Fuzz Alice", role="admin"),
        "reader": _sign_in(server, "fuzz-2", "Fuzz Bob", role=None),
        "admin key": {"Authorization": f"Bearer {ADMIN_KEY}"},
    }


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_is_documented_and_never_5xx(
    case: schemathesis.Case, server: Served, callers: dict[str, dict[str, str]]
) -> None:
    for headers in callers.values():
        case.call_and_validate(
            base_url=server.base_url, headers={**(case.headers or {}), **headers}, checks=CHECKS
        )


_signed_out = itertools.count(1)


@logout.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_signing_out_is_documented_too(case: schemathesis.Case, server: Served) -> None:
    with httpx.Client(base_url=server.base_url) as http:
        fresh = _token(http, server, f"fuzz-out-{next(_signed_out)}")
    for headers in (fresh, fresh, {"Authorization": f"Bearer {ADMIN_KEY}"}, {}):
        case.call_and_validate(
            base_url=server.base_url, headers={**(case.headers or {}), **headers}, checks=CHECKS
        )
