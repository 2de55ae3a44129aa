"""Input and output shapes of the sign-in API."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from rejoinder.kernel.bounds import Line
from rejoinder.profiles.schemas import MeView


class SsoRequest(msgspec.Struct, forbid_unknown_fields=True):
    token: Annotated[str, Meta(min_length=1, max_length=8192, description="Publisher JWT.")]


class Credentials(msgspec.Struct, forbid_unknown_fields=True):
    email: Annotated[Line, Meta(min_length=3, max_length=320)]
    password: Annotated[str, Meta(min_length=1, max_length=1024)]


class TokenResponse(msgspec.Struct, kw_only=True):
    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int
    account: MeView
