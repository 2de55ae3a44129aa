"""Settings of the process itself: database and HTTP server."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta, Struct, field


class DatabaseSettings(Struct, kw_only=True, forbid_unknown_fields=True):
    url: Annotated[
        str,
        Meta(
            description="SQLAlchemy URL. `sqlite:///path/to/file.sqlite3` (default) or "
            "`postgresql://user@host:5432/dbname` (asyncpg is used)."
        ),
    ] = "sqlite:///var/rejoinder.sqlite3"
    pool_size: Annotated[
        int, Meta(ge=1, le=200, description="Connections per process (PostgreSQL).")
    ] = 10


class ServerSettings(Struct, kw_only=True, forbid_unknown_fields=True):
    host: Annotated[str, Meta(description="Interface `rejoinder serve` binds to.")] = "127.0.0.1"
    port: Annotated[int, Meta(ge=0, le=65535, description="TCP port of `rejoinder serve`.")] = 8000
    public_url: Annotated[
        str,
        Meta(
            description="The address readers reach Rejoinder at, without a trailing slash; "
            "used to build links such as the Profile section of the account page."
        ),
    ] = "http://127.0.0.1:8000"
    max_body_bytes: Annotated[
        int,
        Meta(ge=1024, description="Largest request body accepted; larger bodies get 413."),
    ] = 65536
    trusted_proxies: Annotated[
        list[str],
        Meta(
            description="Addresses or CIDR ranges (`10.0.0.0/8`) of the proxies and load "
            "balancers in front of Rejoinder. Only from these is `X-Forwarded-For` believed: the "
            "client is its right-most address that is not a trusted proxy. `*` trusts every peer "
            "(only when nothing else can reach the port)."
        ),
    ] = field(default_factory=lambda: ["127.0.0.1"])
    demo: Annotated[
        bool,
        Meta(
            description="Serve the demo publication and allow the public demo credentials. "
            "Never enable on a real site."
        ),
    ] = False
