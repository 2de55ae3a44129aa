"""Structured logs from a real server: JSON lines, a request id on each, nothing secret."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import jwt

from observability.servers import serving
from rejoinder.observability.logs import Redactor

SSO_SECRET = "log-test-sso-secret-0123456789-abcdefghij"
ADMIN_KEY = "log-test-admin-key-0123456789"
EMAIL = "Peter.Parker@Bugle.test"
SSO_EMAIL = "mary.jane@bugle.test"
PASSWORD = "with great power 2026"

CONFIG = f"""
[database]
url = "{{url}}"

[sso]
audience = "rejoinder"

[[sso.keys]]
kid = "k1"
algorithm = "HS256"
secret = "{SSO_SECRET}"

[accounts]
admin_api_keys = ["{ADMIN_KEY}"]

[[plans]]
id = "free"
name = "Free"
entitlements = ["read"]

[[sites]]
id = "news"
name = "The Daily Planet"
allowed_domains = ["news.test"]
"""


def _reader_flow(base: str) -> tuple[list[str], list[str]]:
    """Sign up, sign in, use the bearer token, SSO with an e-mail claim, the admin key."""
    secrets: list[str] = [EMAIL, EMAIL.lower(), SSO_EMAIL, PASSWORD, SSO_SECRET, ADMIN_KEY]
    ids: list[str] = []
    with httpx.Client(base_url=base) as http:
        credentials = {"email": EMAIL, "password": PASSWORD}
        assert http.post("/api/v1/auth/register", json=credentials).status_code == 201
        login = http.post("/api/v1/auth/login", json=credentials)
        assert login.status_code == 200, login.text
        token = login.json()["access_token"]
        secrets.append(token)
        me = http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200
        ids.append(me.headers["x-request-id"])
        wrong = http.post("/api/v1/auth/login", json={**credentials, "password": PASSWORD + "!"})
        assert wrong.status_code == 401
        now = int(time.time())
        sso = jwt.encode(
            {"sub": "sub-1", "email": SSO_EMAIL, "aud": "rejoinder", "iat": now, "exp": now + 60},
            SSO_SECRET,
            algorithm="HS256",
            headers={"kid": "k1"},
        )
        secrets.append(sso)
        exchanged = http.post("/api/v1/auth/sso", json={"token": sso})
        assert exchanged.status_code == 200, exchanged.text
        secrets.append(exchanged.json()["access_token"])
        forged = http.get("/api/v1/me", headers={"Authorization": f"Bearer {sso}x"})
        assert forged.status_code == 401
        admin = http.put(
            f"/api/v1/admin/subscribers/{SSO_EMAIL}",
            json={"plan": "free"},
            headers={"Authorization": f"Bearer {ADMIN_KEY}", "X-Request-Id": "edge-7f3a.1"},
        )
        assert admin.status_code == 200, admin.text
        assert admin.headers["x-request-id"] == "edge-7f3a.1"  # a sane incoming id is kept
        ids.append("edge-7f3a.1")
        odd = http.get("/healthz", headers={"X-Request-Id": "a b\tc" + "x" * 200})
        assert odd.headers["x-request-id"] != "a b\tc" + "x" * 200  # replaced, not echoed
        assert len(odd.headers["x-request-id"]) == 24
    return secrets, ids


def test_logs_are_json_lines_with_request_ids_and_no_secrets(
    tmp_path: Path, database_url: str
) -> None:
    config = tmp_path / "rejoinder.toml"
    config.write_text(CONFIG.format(url=database_url), encoding="utf-8")
    log = tmp_path / "server.log"
    with serving(config, log, env={"REJOINDER_LOGGING_LEVEL": "DEBUG"}) as base:
        secrets, ids = _reader_flow(base)
    text = log.read_text(encoding="utf-8")
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert len(lines) > 10
    for line in lines:
        assert {"time", "level", "logger", "message", "request_id"} <= line.keys()
    for secret in secrets:
        assert secret not in text, f"{secret[:12]}… reached the log"
    assert "@" not in text.replace("[email]", "")
    access = [line for line in lines if line["logger"] == "rejoinder.access"]
    assert {line["request_id"] for line in access} >= set(ids)
    assert all(line["request_id"] for line in access)
    routes = {line["route"] for line in access}
    assert "/api/v1/admin/subscribers/{external_id}" in routes  # templates, never the raw path


def test_redactor_scrubs_what_other_libraries_might_print() -> None:
    redact = Redactor(["s3cret-value-123"])
    line = (
        "params ('ann@example.org', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA') "
        "Authorization: Bearer abc.def-ghi /x?token=AbC123&page=2 key s3cret-value-123 "
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig"
    )
    out = redact(line)
    for leaked in ("ann@example.org", "$argon2id", "abc.def-ghi", "AbC123", "s3cret", "eyJhbG"):
        assert leaked not in out
    assert "page=2" in out


def _page_thrice(base: str) -> list[str]:
    """A story's first page, read three times: the first creates the story (its page is not
    cached: the creation's event is newer than the read), the second fills the cache, the
    third is a cached hit."""
    path = "/api/v1/sites/news/stories/log-story/comments?url=https://news.test/log-story"
    ids = []
    with httpx.Client(base_url=base) as http:
        for _ in range(3):
            response = http.get(path)
            assert response.status_code == 200, response.text
            ids.append(response.headers["x-request-id"])
    assert len(set(ids)) == 3
    assert all(len(rid) == 24 for rid in ids)
    return ids


def _access_ids(log: Path) -> list[str]:
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line]
    return [line["request_id"] for line in lines if line["logger"] == "rejoinder.access"]


def test_cache_hits_carry_an_id_and_are_logged_only_when_asked(
    tmp_path: Path, database_url: str
) -> None:
    config = tmp_path / "rejoinder.toml"
    config.write_text(CONFIG.format(url=database_url), encoding="utf-8")
    quiet, loud = tmp_path / "quiet.log", tmp_path / "loud.log"
    with serving(config, quiet) as base:  # the default: hits are answered in front, unlogged
        *misses, hit = _page_thrice(base)
    assert set(misses) <= set(_access_ids(quiet))
    assert hit not in _access_ids(quiet)
    with serving(config, loud, env={"REJOINDER_LOGGING_ACCESS_LOG_CACHE_HITS": "true"}) as base:
        ids = _page_thrice(base)
    assert set(ids) <= set(_access_ids(loud))
