"""Actions: signing in (SSO and local accounts), signing out, and granting roles."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import msgspec
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from rejoinder.accounts import exchanges
from rejoinder.accounts.models import ROLES, access_tokens, accounts
from rejoinder.accounts.passwords import hash_password, verify_password
from rejoinder.accounts.sso import SsoClaims
from rejoinder.accounts.viewer import Viewer
from rejoinder.events.catalogue import AccountRoleChanged, AccountSignedIn, AccountSignedOut
from rejoinder.kernel.errors import Conflict, Forbidden, Invalid, NotAuthenticated, RateLimited
from rejoinder.kernel.tokens import digest, new_secret
from rejoinder.plans.catalog import require_plan
from rejoinder.plans.service import open_account, record_plan_change
from rejoinder.runtime import Runtime
from rejoinder.storage.database import Transaction

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
MAX_PASSWORD = 1024


class Grant(msgspec.Struct, kw_only=True):
    account_id: int
    access_token: str
    expires_in: int


async def _issue_token(tx: Transaction, account_id: int, method: str, runtime: Runtime) -> Grant:
    now = runtime.clock.now()
    ttl = runtime.settings.accounts.access_token_ttl_seconds
    token = "rj_" + new_secret()
    await tx.conn.execute(
        insert(access_tokens).values(
            token_hash=digest(token),
            account_id=account_id,
            method=method,
            created_at=now,
            expires_at=now + timedelta(seconds=ttl),
        )
    )
    tx.emit(AccountSignedIn(account_id=account_id, method=method))
    return Grant(account_id=account_id, access_token=token, expires_in=ttl)


async def issue_token_for(runtime: Runtime, account_id: int, method: str) -> Grant:
    """Sign an existing account in (demo switcher, tests, CLI)."""
    async with runtime.db.transaction() as tx:
        return await _issue_token(tx, account_id, method, runtime)


async def sign_in_with_sso(runtime: Runtime, token: str, client: str = "unknown") -> Grant:
    """Exchange a publisher-signed JWT for a Rejoinder access token.

    Throttled per client address and per subscriber; a token is spent as
    ``accounts.exchanges`` says (``jti`` single use, a cap per token).

    The first sign-in creates the account. The ``plan`` claim sets the plan, except when the
    billing system changed the plan *after* the token was issued: a lapse reported through plan
    sync is never undone by an older token. Without a ``plan`` claim, a new account gets the
    default plan and an existing one keeps its plan (the billing sync owns it).
    """
    await exchanges.throttle_address(runtime, client)
    now = runtime.clock.now()
    claims = runtime.sso.verify(token, now)
    if claims.plan is not None:
        require_plan(runtime.settings, claims.plan)
    await exchanges.throttle_subject(runtime, claims.subject)
    for attempt in range(2):
        try:
            async with runtime.db.transaction() as tx:
                await exchanges.spend_use(tx, runtime, token, claims, now)
                account_id = await _upsert_sso_account(tx, claims, runtime, now)
                for hook in runtime.sign_in_hooks:  # e.g. claiming imported history
                    await hook(tx, account_id, claims, now)
                return await _issue_token(tx, account_id, "sso", runtime)
        # Two first sign-ins raced on external_id, or two exchanges on the token's first use:
        # the retry finds the row.
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


async def _upsert_sso_account(
    tx: Transaction, claims: SsoClaims, runtime: Runtime, now: datetime
) -> int:
    badges = json.dumps(list(claims.badges))
    verified = json.dumps(list(claims.verified))
    row = (
        await tx.conn.execute(
            select(accounts.c.id, accounts.c.plan_id, accounts.c.plan_changed_at).where(
                accounts.c.external_id == claims.subject
            )
        )
    ).first()
    if row is None:
        return await open_account(
            tx,
            plan_id=claims.plan or runtime.settings.accounts.default_plan,
            source="sso",
            now=now,
            external_id=claims.subject,
            email=claims.email,
            sso_badges=badges,
            sso_verified=verified,
        )
    await tx.conn.execute(
        update(accounts)
        .where(accounts.c.id == row.id)
        .values(email=claims.email, sso_badges=badges, sso_verified=verified, updated_at=now)
    )
    token_is_newer = claims.issued_at >= row.plan_changed_at
    if claims.plan is not None and claims.plan != row.plan_id and token_is_newer:
        await record_plan_change(
            tx,
            account_id=row.id,
            previous_plan_id=row.plan_id,
            plan_id=claims.plan,
            source="sso",
            now=now,
        )
    return int(row.id)


def _check_local(runtime: Runtime) -> None:
    if not runtime.settings.accounts.local_enabled:
        raise Forbidden(
            "This site signs readers in through the publisher's own login.",
            code="local_accounts_disabled",
        )


async def _throttle(runtime: Runtime, client: str) -> None:
    limit = runtime.settings.accounts.auth_attempts_per_minute
    wait = await runtime.limiter.hit(f"auth:{client}", limit=limit, window_seconds=60)
    if wait is not None:
        raise RateLimited(
            f"Too many sign-in attempts; try again in {wait} seconds.", retry_after=wait
        )


def _email_key(email: str) -> str:
    email = email.strip()
    if len(email) > 320 or not EMAIL.match(email):
        raise Invalid("Enter a valid e-mail address.", code="email_invalid")
    return email.lower()


async def register_local(runtime: Runtime, email: str, password: str, client: str) -> Grant:
    _check_local(runtime)
    await _throttle(runtime, client)
    key = _email_key(email)
    minimum = runtime.settings.accounts.password_min_length
    if len(password) < minimum or len(password) > MAX_PASSWORD:
        raise Invalid(
            f"Choose a password of at least {minimum} characters.", code="password_too_weak"
        )
    if password.strip().lower() == key or len(set(password)) < 4:
        raise Invalid("Choose a less guessable password.", code="password_too_weak")
    password_hash = await hash_password(password)
    now = runtime.clock.now()
    try:
        async with runtime.db.transaction() as tx:
            account_id = await open_account(
                tx,
                plan_id=runtime.settings.accounts.default_plan,
                source="register",
                now=now,
                email=email.strip(),
                email_key=key,
                password_hash=password_hash,
            )
            return await _issue_token(tx, account_id, "local", runtime)
    except IntegrityError:
        raise Conflict(
            "An account with this e-mail address already exists; sign in instead.",
            code="email_taken",
        ) from None


async def login_local(runtime: Runtime, email: str, password: str, client: str) -> Grant:
    _check_local(runtime)
    await _throttle(runtime, client)
    key = email.strip().lower()
    async with runtime.db.read() as conn:
        row = (
            await conn.execute(
                select(accounts.c.id, accounts.c.password_hash).where(accounts.c.email_key == key)
            )
        ).first()
    ok = await verify_password(row.password_hash if row else None, password[:MAX_PASSWORD])
    if row is None or not ok:
        raise NotAuthenticated("The e-mail or password is not right.", code="invalid_credentials")
    async with runtime.db.transaction() as tx:
        return await _issue_token(tx, row.id, "local", runtime)


async def sign_out(runtime: Runtime, viewer: Viewer) -> None:
    """Revoke the token this request was made with; other devices stay signed in."""
    now = runtime.clock.now()
    async with runtime.db.transaction() as tx:
        await tx.conn.execute(
            update(access_tokens)
            .where(access_tokens.c.id == viewer.token_id, access_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        tx.emit(AccountSignedOut(account_id=viewer.account_id))


async def set_role(runtime: Runtime, account_id: int, role: str) -> None:
    if role not in ROLES:
        raise Invalid(f"Unknown role {role!r}; roles are {', '.join(ROLES)}.", code="unknown_role")
    now = runtime.clock.now()
    async with runtime.db.transaction() as tx:
        result = await tx.conn.execute(
            update(accounts).where(accounts.c.id == account_id).values(role=role, updated_at=now)
        )
        if result.rowcount == 0:
            raise Invalid("There is no such account.", code="unknown_account")
        tx.emit(AccountRoleChanged(account_id=account_id, role=role))


async def create_admin(runtime: Runtime, email: str, password: str) -> int:
    """Create a local admin account, or promote the local account with this e-mail."""
    key = _email_key(email)
    async with runtime.db.read() as conn:
        existing = (
            await conn.execute(select(accounts.c.id).where(accounts.c.email_key == key))
        ).scalar()
    if existing is None:
        grant = await register_local(runtime, email, password, client="cli")
        existing = grant.account_id
    await set_role(runtime, existing, "admin")
    return int(existing)
