"""What one SSO token may do: how often it is exchanged, by whom, and how many tokens it mints.

- Per client address and per subscriber (``sub``), a sliding window of exchanges a minute
  (``sso.exchanges_per_minute_per_*``): 429 ``rate_limited``.
- A token carrying ``jti`` is single use within its life: a second exchange gets 401
  ``token_replayed``. Without ``jti``, one token mints at most ``sso.max_exchanges_per_token``
  access tokens: 401 ``token_exhausted`` after that. So a leaked JWT's ten-minute life bounds
  what it can do.

The uses are counted in ``sso_exchanges``, in the transaction that issues the access token, so
two processes (or two racing requests) cannot both spend the last use.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, update

from rejoinder.accounts.models import sso_exchanges
from rejoinder.accounts.sso import SsoClaims
from rejoinder.kernel.errors import NotAuthenticated, RateLimited
from rejoinder.kernel.tokens import digest
from rejoinder.runtime import Runtime
from rejoinder.storage.database import Transaction


async def _limit(runtime: Runtime, key: str, limit: int) -> None:
    wait = await runtime.limiter.hit(key, limit=limit, window_seconds=60)
    if wait is not None:
        raise RateLimited(f"Too many sign-ins; try again in {wait} seconds.", retry_after=wait)


async def throttle_address(runtime: Runtime, client: str) -> None:
    """Before the token is even verified: verification costs an RSA operation."""
    await _limit(runtime, f"sso:{client}", runtime.settings.sso.exchanges_per_minute_per_address)


async def throttle_subject(runtime: Runtime, subject: str) -> None:
    await _limit(
        runtime, f"sso-sub:{subject}", runtime.settings.sso.exchanges_per_minute_per_subject
    )


def _token_key(token: str, claims: SsoClaims, issuer: str | None) -> str:
    if claims.token_id is not None:
        return digest(f"jti\x00{issuer or ''}\x00{claims.token_id}")
    return digest(f"token\x00{token}")


async def spend_use(
    tx: Transaction, runtime: Runtime, token: str, claims: SsoClaims, now: datetime
) -> None:
    """Count one exchange of ``token``, or refuse it (see the module's docstring).

    An ``IntegrityError`` here means a concurrent exchange stored the first use: the caller's
    retry then finds the row and counts against it.
    """
    settings = runtime.settings.sso
    key = _token_key(token, claims, settings.issuer)
    cap = 1 if claims.token_id is not None else settings.max_exchanges_per_token
    # Expired rows go on the way; the index on expires_at keeps this cheap.
    await tx.conn.execute(delete(sso_exchanges).where(sso_exchanges.c.expires_at < now))
    spent = await tx.conn.execute(
        update(sso_exchanges)
        .where(sso_exchanges.c.token_key == key, sso_exchanges.c.uses < cap)
        .values(uses=sso_exchanges.c.uses + 1)
    )
    if spent.rowcount:
        return
    exists = (
        await tx.conn.execute(select(sso_exchanges.c.uses).where(sso_exchanges.c.token_key == key))
    ).first()
    if exists is not None:
        if claims.token_id is not None:
            raise NotAuthenticated(
                "This sign-in token was already used; get a fresh one.", code="token_replayed"
            )
        raise NotAuthenticated(
            "This sign-in token was used too often; get a fresh one.", code="token_exhausted"
        )
    # Kept while the token could still be accepted: until exp, and never past max_age.
    leeway = timedelta(seconds=settings.leeway_seconds)
    oldest = claims.issued_at + timedelta(seconds=settings.max_age_seconds)
    expires_at = min(claims.expires_at, oldest) + leeway
    await tx.conn.execute(
        insert(sso_exchanges).values(token_key=key, uses=1, expires_at=expires_at)
    )
