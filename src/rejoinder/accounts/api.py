"""HTTP handlers for signing in and out."""

from __future__ import annotations

from typing import Any

from litestar import Request, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from rejoinder.accounts import service
from rejoinder.accounts.dependencies import CurrentViewer
from rejoinder.accounts.schemas import Credentials, SsoRequest, TokenResponse
from rejoinder.api.dependencies import RuntimeDep, client_address
from rejoinder.profiles.queries import me_view


async def _respond(runtime: RuntimeDep, grant: service.Grant) -> TokenResponse:
    return TokenResponse(
        access_token=grant.access_token,
        token_type="Bearer",  # noqa: S106 - the OAuth token type, not a secret
        expires_in=grant.expires_in,
        account=await me_view(runtime, grant.account_id),
    )


@post("/api/v1/auth/sso", tags=["auth"], status_code=HTTP_200_OK)
async def sso_sign_in(
    data: JSONBody[SsoRequest], runtime: RuntimeDep, request: Request[Any, Any, Any]
) -> TokenResponse:
    """Exchange a publisher-signed JWT (HS256 or RS256) for a Rejoinder access token.

    A token with a ``jti`` claim is single use; without one it mints a few access tokens at
    most (``sso.max_exchanges_per_token``). Exchanges are rate-limited per address and per
    subscriber."""
    grant = await service.sign_in_with_sso(runtime, data.token, client_address(request))
    return await _respond(runtime, grant)


@post("/api/v1/auth/register", tags=["auth"], status_code=HTTP_201_CREATED)
async def register(
    data: JSONBody[Credentials], runtime: RuntimeDep, request: Request[Any, Any, Any]
) -> TokenResponse:
    """Create a local account (e-mail + password) on the default plan and sign it in."""
    grant = await service.register_local(
        runtime, data.email, data.password, client_address(request)
    )
    return await _respond(runtime, grant)


@post("/api/v1/auth/login", tags=["auth"], status_code=HTTP_200_OK)
async def login(
    data: JSONBody[Credentials], runtime: RuntimeDep, request: Request[Any, Any, Any]
) -> TokenResponse:
    """Sign in to a local account."""
    grant = await service.login_local(runtime, data.email, data.password, client_address(request))
    return await _respond(runtime, grant)


@post(
    "/api/v1/auth/logout", tags=["auth"], status_code=HTTP_204_NO_CONTENT, security=[{"reader": []}]
)
async def logout(me: CurrentViewer, runtime: RuntimeDep) -> None:
    """Revoke the access token this request carries."""
    await service.sign_out(runtime, me)


ROUTES = [sso_sign_in, register, login, logout]
