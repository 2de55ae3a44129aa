"""One delivery attempt over HTTP: signed, pinned to a checked address, never redirected."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime

import httpx
import msgspec

from rejoinder.webhooks import signing
from rejoinder.webhooks.ssrf import AddressPolicy, PinnedTransport, Refused


class Claimed(msgspec.Struct, kw_only=True):
    """A delivery a worker holds the lease of, with what it needs to send it."""

    id: int
    endpoint_id: int
    webhook_id: str
    payload: str
    attempts: int
    url: str
    secrets: list[str]


class Outcome(msgspec.Struct, kw_only=True):
    ok: bool
    status_code: int | None = None
    error: str | None = None
    duration_ms: int = 0


def client_for(policy: AddressPolicy, timeout: float) -> httpx.AsyncClient:
    # The timeout per operation; ``attempt`` bounds the whole attempt as well.
    return httpx.AsyncClient(
        transport=PinnedTransport(policy), follow_redirects=False, timeout=httpx.Timeout(timeout)
    )


async def attempt(
    client: httpx.AsyncClient, delivery: Claimed, at: datetime, seconds: float
) -> Outcome:
    """Send ``delivery`` once. A 2xx is a success; anything else, a failure with its reason."""
    headers = signing.headers(delivery.webhook_id, at, delivery.payload, delivery.secrets)
    started = time.perf_counter()

    def took() -> int:
        return int((time.perf_counter() - started) * 1000)

    try:
        async with asyncio.timeout(seconds):
            request = client.build_request(
                "POST", delivery.url, content=delivery.payload.encode(), headers=headers
            )
            response = await client.send(request, stream=True)
            await response.aclose()  # the body is not ours to read
    except Refused as refused:
        return Outcome(ok=False, error=f"refused: {refused}", duration_ms=took())
    except TimeoutError:
        return Outcome(ok=False, error=f"timed out after {seconds:g} s", duration_ms=took())
    except (httpx.HTTPError, OSError) as exc:
        return Outcome(ok=False, error=f"{type(exc).__name__}: {exc}"[:500], duration_ms=took())
    code = response.status_code
    if 200 <= code < 300:
        return Outcome(ok=True, status_code=code, duration_ms=took())
    error = "redirect not followed" if 300 <= code < 400 else f"HTTP {code}"
    return Outcome(ok=False, status_code=code, error=error, duration_ms=took())
