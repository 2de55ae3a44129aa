"""A brand-new name may be corrected once; otherwise the cool-down is said before saving."""

from __future__ import annotations

import httpx

from factories import make_reader
from rejoinder.kernel.clock import FrozenClock
from rejoinder.runtime import Runtime

Client = httpx.AsyncClient


async def _put(client: Client, reader_headers: dict[str, str], name: str) -> httpx.Response:
    return await client.put(
        "/api/v1/me/profile", json={"display_name": name}, headers=reader_headers
    )


async def _check(client: Client, reader_headers: dict[str, str], name: str) -> dict[str, object]:
    response = await client.get(
        "/api/v1/display-names/check", params={"name": name}, headers=reader_headers
    )
    assert response.status_code == 200
    body: dict[str, object] = response.json()
    return body


async def test_a_new_name_can_be_corrected_once_within_the_grace_period(
    client: Client, runtime: Runtime, clock: FrozenClock
) -> None:
    reader = await make_reader(runtime, display_name=None)
    me = (await _put(client, reader.headers, "Peter Prker")).json()
    assert me["display_name_change_allowed_at"] is None
    assert me["display_name_correction_until"] is not None
    assert (await _check(client, reader.headers, "Peter Parker"))["available"] is True
    clock.advance(minutes=10)
    fixed = await _put(client, reader.headers, "Peter Parker")
    assert fixed.status_code == 200, fixed.text
    after = fixed.json()
    assert after["display_name_correction_until"] is None
    assert after["display_name_change_allowed_at"] is not None  # the cool-down starts now
    again = await _put(client, reader.headers, "Peter B. Parker")
    assert again.status_code == 409
    assert again.json()["code"] == "display_name_change_too_soon"


async def test_the_grace_period_ends(client: Client, runtime: Runtime, clock: FrozenClock) -> None:
    reader = await make_reader(runtime, display_name=None)
    assert (await _put(client, reader.headers, "Mary Jayne")).status_code == 200
    clock.advance(minutes=31)
    late = await _put(client, reader.headers, "Mary Jane")
    assert late.status_code == 409
    assert late.json()["code"] == "display_name_change_too_soon"


async def test_the_live_check_reports_the_cooldown(
    client: Client, runtime: Runtime, clock: FrozenClock
) -> None:
    reader = await make_reader(runtime, display_name="Flash Thompson")
    clock.advance(hours=2)
    verdict = await _check(client, reader.headers, "Eugene Thompson")
    assert verdict["available"] is False
    assert verdict["code"] == "display_name_change_too_soon"
    assert verdict["retry_at"]
    # one's own current name is not "taken", and anonymous checks know no cool-down
    assert (await _check(client, reader.headers, "Flash Thompson"))["available"] is True
    anonymous = await client.get("/api/v1/display-names/check", params={"name": "Eugene T"})
    assert anonymous.json()["available"] is True
    clock.advance(days=14)
    assert (await _check(client, reader.headers, "Eugene Thompson"))["available"] is True
