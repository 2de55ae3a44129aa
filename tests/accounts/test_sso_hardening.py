"""SSO exchange hardening (issue 13): time claims, nbf, jti single use, caps and rate limits."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import jwt
import pytest

from conftest import HS_SECRET
from factories import sso_token
from rejoinder.kernel.clock import FrozenClock
from rejoinder.runtime import Runtime

Client = httpx.AsyncClient
SSO = "/api/v1/auth/sso"


async def exchange(client: Client, token: str, **kwargs: Any) -> httpx.Response:
    return await client.post(SSO, json={"token": token}, **kwargs)


def code(response: httpx.Response) -> str:
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    value: str = response.json()["code"]
    return value


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": 1e300},
        {"exp": 10**20},
        {"exp": float("nan")},
        {"exp": float("inf")},
        {"exp": float("-inf")},
        {"iat": float("nan")},
        {"iat": 10**20},
        {"iat": -(10**20)},
        {"nbf": float("nan")},
        {"nbf": 10**400},
        {"exp": True},
    ],
    ids=repr,
)
async def test_signed_tokens_with_impossible_times_are_401(
    client: Client, clock: FrozenClock, claims: dict[str, Any]
) -> None:
    # json.dumps writes NaN and Infinity literals, which PyJWT reads back.
    payload = {"sub": "subscriber-1", "iat": int(clock.now().timestamp())}
    payload["exp"] = payload["iat"] + 600
    payload.update(claims)
    token = jwt.encode(payload, HS_SECRET, algorithm="HS256", headers={"kid": "hs-1"})
    response = await exchange(client, token)
    assert response.status_code == 401, response.text
    assert code(response) == "invalid_token"


async def test_not_before_is_honoured(client: Client, clock: FrozenClock) -> None:
    now = clock.now()
    later = int((now + timedelta(hours=1)).timestamp())
    early = await exchange(client, sso_token(now=now, nbf=later, exp=later + 600))
    assert early.status_code == 401, early.text
    assert code(early) == "token_not_yet_valid"
    within_leeway = sso_token(now=now, sub="nbf-2", nbf=int(now.timestamp()) + 30)
    assert (await exchange(client, within_leeway)).status_code == 200
    clock.advance(hours=1)
    assert (await exchange(client, sso_token(now=now, nbf=later, exp=later + 600))).status_code == (
        200
    )


async def test_a_token_with_jti_is_single_use(client: Client, clock: FrozenClock) -> None:
    token = sso_token(now=clock.now(), jti="once-1")
    first = await exchange(client, token)
    assert first.status_code == 200, first.text
    again = await exchange(client, token)
    assert again.status_code == 401, again.text
    assert code(again) == "token_replayed"
    # A new token with its own jti is fine; the same jti in another token is not.
    assert (await exchange(client, sso_token(now=clock.now(), jti="once-2"))).status_code == 200
    resigned = sso_token(now=clock.now(), jti="once-1", badges=["new"])
    assert code(await exchange(client, resigned)) == "token_replayed"


async def test_racing_exchanges_of_one_jti_mint_one_access_token(
    client: Client, clock: FrozenClock
) -> None:
    token = sso_token(now=clock.now(), jti="race-1")
    answers = await asyncio.gather(*(exchange(client, token) for _ in range(6)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200, 401, 401, 401, 401, 401], [a.text for a in answers]


async def test_a_token_without_jti_mints_a_capped_number_of_access_tokens(
    client: Client, runtime: Runtime, clock: FrozenClock
) -> None:
    cap = runtime.settings.sso.max_exchanges_per_token
    token = sso_token(now=clock.now())
    minted = set()
    for _ in range(cap):
        response = await exchange(client, token)
        assert response.status_code == 200, response.text
        minted.add(response.json()["access_token"])
    assert len(minted) == cap
    over = await exchange(client, token)
    assert over.status_code == 401, over.text
    assert code(over) == "token_exhausted"


async def test_exchanges_are_rate_limited_per_subject_and_per_address(
    client: Client, runtime: Runtime, clock: FrozenClock
) -> None:
    sso = runtime.settings.sso
    per_subject = sso.exchanges_per_minute_per_subject
    for n in range(per_subject):
        ok = await exchange(client, sso_token(now=clock.now(), sub="busy", jti=f"busy-{n}"))
        assert ok.status_code == 200, ok.text
    limited = await exchange(client, sso_token(now=clock.now(), sub="busy", jti="busy-x"))
    assert limited.status_code == 429, limited.text
    assert code(limited) == "rate_limited"
    assert int(limited.headers["Retry-After"]) > 0
    # Another subscriber from the same address still gets in, up to the address budget.
    used = per_subject + 1
    for n in range(sso.exchanges_per_minute_per_address - used):
        ok = await exchange(client, sso_token(now=clock.now(), sub=f"calm-{n}"))
        assert ok.status_code == 200, ok.text
    spent = await exchange(client, sso_token(now=clock.now(), sub="calm-last"))
    assert spent.status_code == 429, spent.text
    # The limits are per address: another client is not affected; a minute later all is well.
    other = httpx.ASGITransport(app=client._transport.app, client=("198.51.100.20", 1))  # type: ignore[attr-defined]
    async with httpx.AsyncClient(transport=other, base_url="http://rejoinder.test") as second:
        assert (
            await exchange(second, sso_token(now=clock.now(), sub="elsewhere"))
        ).status_code == (200)
    clock.advance(seconds=61)
    assert (await exchange(client, sso_token(now=clock.now(), sub="calm-last"))).status_code == 200


@pytest.mark.parametrize(
    "claims",
    [{"sub": "a\x00b"}, {"sub": "a\nb"}, {"email": "a\x00@news.test"}, {"jti": "j\x00"}],
    ids=repr,
)
async def test_control_characters_in_claims_are_422(
    client: Client, clock: FrozenClock, claims: dict[str, Any]
) -> None:
    response = await exchange(client, sso_token(now=clock.now(), **claims))
    assert response.status_code == 422, response.text
    assert code(response) == "invalid_claims"


async def test_control_characters_in_badges_are_dropped(client: Client, clock: FrozenClock) -> None:
    token = sso_token(now=clock.now(), sub="badged", badges=["Ok", "bad\x00", "Fine"])
    response = await exchange(client, token)
    assert response.status_code == 200, response.text
    assert response.json()["account"]["badges"] == ["Ok", "Fine"]
