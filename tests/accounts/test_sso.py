"""SSO sign-in: the happy paths, key rotation, and every token attack refused with 401."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import httpx
import jwt
import pytest

from conftest import HS_SECRET, HS_SECRET_NEXT, RsaPair
from factories import sso_token
from rejoinder.kernel.clock import FrozenClock
from rejoinder.settings import Settings

Client = httpx.AsyncClient


async def sign_in(client: Client, token: str) -> Any:
    return await client.post("/api/v1/auth/sso", json={"token": token})


async def test_sso_creates_account_with_plan_and_returns_bearer(
    client: Client, clock: FrozenClock
) -> None:
    token = sso_token(
        now=clock.now(),
        sub="sub-42",
        plan="digital",
        email="a@news.test",
        badges=["Founding member"],
    )
    response = await sign_in(client, token)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 30 * 86400
    assert body["access_token"].startswith("rj_")
    account = body["account"]
    assert account["plan"]["id"] == "digital"
    assert account["display_name"] is None
    assert account["comment_blocked"]["code"] == "display_name_required"
    assert "Founding member" in account["badges"]

    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["id"] == account["id"]


async def test_second_sign_in_reuses_the_account(client: Client, clock: FrozenClock) -> None:
    first = (await sign_in(client, sso_token(now=clock.now(), sub="same"))).json()
    clock.advance(seconds=5)
    second = (await sign_in(client, sso_token(now=clock.now(), sub="same"))).json()
    assert first["account"]["id"] == second["account"]["id"]
    assert first["access_token"] != second["access_token"]


async def test_missing_plan_claim_gives_default_plan(client: Client, clock: FrozenClock) -> None:
    body = (await sign_in(client, sso_token(now=clock.now(), sub="no-plan"))).json()
    assert body["account"]["plan"]["id"] == "free"
    assert body["account"]["comment_blocked"]["code"] == "plan_does_not_allow_commenting"


async def test_rotated_key_selected_by_kid(client: Client, clock: FrozenClock) -> None:
    old = sso_token(HS_SECRET, now=clock.now(), kid="hs-1", sub="rot")
    new = sso_token(HS_SECRET_NEXT, now=clock.now(), kid="hs-2", sub="rot")
    assert (await sign_in(client, old)).status_code == 200
    assert (await sign_in(client, new)).status_code == 200


async def test_token_without_kid_tries_every_key_of_its_algorithm(
    client: Client, clock: FrozenClock
) -> None:
    token = sso_token(HS_SECRET_NEXT, now=clock.now(), kid=None, sub="nokid")
    assert (await sign_in(client, token)).status_code == 200


async def test_rs256_with_public_key(client: Client, clock: FrozenClock, rsa_key: RsaPair) -> None:
    token = sso_token(
        rsa_key.private_pem,
        now=clock.now(),
        kid="rs-1",
        algorithm="RS256",
        sub="rsa-reader",
        plan="premium",
    )
    response = await sign_in(client, token)
    assert response.status_code == 200, response.text
    assert response.json()["account"]["plan"]["badge"] == "Premium"


def _unsigned(claims: dict[str, Any], header: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        raw = json.dumps(data).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return f"{part(header)}.{part(claims)}."


def _claims(clock: FrozenClock, **extra: Any) -> dict[str, Any]:
    now = int(clock.now().timestamp())
    return {"sub": "attacker", "iat": now, "exp": now + 600, "plan": "premium", **extra}


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("alg_none", "invalid_token"),
        ("alg_none_uppercase", "invalid_token"),
        ("hs256_signed_with_rs_public_key", "invalid_token"),
        ("wrong_secret", "invalid_token"),
        ("unknown_kid", "invalid_token"),
        ("expired", "token_expired"),
        ("iat_in_future", "invalid_token"),
        ("too_old", "token_expired"),
        ("missing_sub", "invalid_token"),
        ("empty_sub", "invalid_token"),
        ("missing_exp", "invalid_token"),
        ("missing_iat", "invalid_token"),
        ("garbage", "invalid_token"),
        ("tampered_payload", "invalid_token"),
        ("alg_not_allowed_hs512", "invalid_token"),
    ],
)
async def test_token_attacks_are_refused_with_401(
    client: Client, clock: FrozenClock, rsa_key: RsaPair, case: str, code: str
) -> None:
    now = clock.now()
    claims = _claims(clock)
    tokens = {
        "alg_none": lambda: _unsigned(claims, {"alg": "none", "typ": "JWT"}),
        "alg_none_uppercase": lambda: _unsigned(claims, {"alg": "NONE", "kid": "hs-1"}),
        # The classic confusion attack: HMAC keyed with the RSA public key we publish.
        "hs256_signed_with_rs_public_key": lambda: _hmac_with_public_key(claims, rsa_key),
        "wrong_secret": lambda: jwt.encode(
            claims, "not-our-secret-0123456789-abcdefgh", headers={"kid": "hs-1"}
        ),
        "unknown_kid": lambda: jwt.encode(claims, HS_SECRET, headers={"kid": "hs-9"}),
        "expired": lambda: sso_token(now=now, exp=int((now - timedelta(minutes=5)).timestamp())),
        "iat_in_future": lambda: sso_token(
            now=now,
            iat=int((now + timedelta(minutes=5)).timestamp()),
            exp=int((now + timedelta(minutes=15)).timestamp()),
        ),
        "too_old": lambda: sso_token(
            now=now,
            iat=int((now - timedelta(days=2)).timestamp()),
            exp=int((now + timedelta(minutes=5)).timestamp()),
        ),
        "missing_sub": lambda: jwt.encode(
            {k: v for k, v in claims.items() if k != "sub"}, HS_SECRET, headers={"kid": "hs-1"}
        ),
        "empty_sub": lambda: jwt.encode(
            {**claims, "sub": "  "}, HS_SECRET, headers={"kid": "hs-1"}
        ),
        "missing_exp": lambda: jwt.encode(
            {k: v for k, v in claims.items() if k != "exp"}, HS_SECRET, headers={"kid": "hs-1"}
        ),
        "missing_iat": lambda: jwt.encode(
            {k: v for k, v in claims.items() if k != "iat"}, HS_SECRET, headers={"kid": "hs-1"}
        ),
        "garbage": lambda: "this.is-not.a-jwt",
        "tampered_payload": lambda: _tamper(jwt.encode(claims, HS_SECRET, headers={"kid": "hs-1"})),
        "alg_not_allowed_hs512": lambda: jwt.encode(
            claims, HS_SECRET * 2, algorithm="HS512", headers={"kid": "hs-1"}
        ),
    }
    response = await sign_in(client, tokens[case]())
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == code


def _hmac_with_public_key(claims: dict[str, Any], rsa_key: RsaPair) -> str:
    import hashlib
    import hmac

    header = {"alg": "HS256", "typ": "JWT", "kid": "rs-1"}
    unsigned = _unsigned(claims, header)[:-1]
    signature = hmac.new(rsa_key.public_pem.encode(), unsigned.encode(), hashlib.sha256).digest()
    return unsigned + "." + base64.urlsafe_b64encode(signature).rstrip(b"=").decode()


def _tamper(token: str) -> str:
    header, payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data["plan"] = "premium"
    data["sub"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


async def test_wrong_audience_refused_when_configured(
    client: Client, clock: FrozenClock, settings: Settings
) -> None:
    settings.sso.audience = "rejoinder"  # the verifier reads the live settings object
    good = sso_token(now=clock.now(), aud="rejoinder", sub="aud-ok")
    bad = sso_token(now=clock.now(), aud="someone-else", sub="aud-bad")
    missing = sso_token(now=clock.now(), sub="aud-missing")
    assert (await sign_in(client, good)).status_code == 200
    for token in (bad, missing):
        response = await sign_in(client, token)
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_token"


async def test_leeway_accepts_small_clock_skew(client: Client, clock: FrozenClock) -> None:
    now = clock.now()
    token = sso_token(now=now, iat=int((now + timedelta(seconds=30)).timestamp()), sub="skew")
    assert (await sign_in(client, token)).status_code == 200


async def test_unknown_plan_claim_is_a_clear_422(client: Client, clock: FrozenClock) -> None:
    response = await sign_in(client, sso_token(now=clock.now(), plan="platinum"))
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_plan"


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[]", b'{"token": 5}', b'{"token": ""}', b'{"tok": "x"}', b""],
)
async def test_malformed_bodies_get_problem_json(client: Client, body: bytes) -> None:
    response = await client.post(
        "/api/v1/auth/sso", content=body, headers={"content-type": "application/json"}
    )
    assert 400 <= response.status_code < 500, response.text
    problem = response.json()
    assert problem["code"] in {"malformed_json", "validation_failed"}
    assert problem["detail"]
