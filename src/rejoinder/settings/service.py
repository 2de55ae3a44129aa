"""Settings of the process itself: database, HTTP server and Redis."""

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
        int,
        Meta(
            ge=1,
            le=200,
            description="Connections per process (PostgreSQL). On SQLite, at most this many "
            "reader threads: one per core the process may run on, at least two.",
        ),
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


class RedisSettings(Struct, kw_only=True, forbid_unknown_fields=True):
    url: Annotated[
        str | None,
        Meta(
            description="Redis for several processes: rate limits shared by every process and "
            "the cross-process wake-up of the event log. `redis://host:6379/0`, "
            "`rediss://…` (TLS) or `unix:///run/redis.sock?db=0`. Unset (the default): the "
            "embedded in-process backends, right for one process."
        ),
    ] = None
    key_prefix: Annotated[
        str,
        Meta(
            pattern=r"^[A-Za-z0-9_.:-]{1,64}$",
            description="Start of every Redis key Rejoinder writes, so that several "
            "installations can share one Redis (or one Redis Cluster).",
        ),
    ] = "rejoinder"
    timeout_seconds: Annotated[
        float,
        Meta(
            gt=0,
            le=30,
            description="Longest wait for Redis on a request (connecting or answering). When "
            "Redis does not answer in time the process carries on with its in-process "
            "backends and says so in the log and in `/healthz`.",
        ),
    ] = 0.5
    stream_max_length: Annotated[
        int,
        Meta(
            ge=100,
            description="About how many wake-ups the event stream keeps (`XADD … MAXLEN ~`); "
            "only a process that reconnects reads back into it, the database keeps the events.",
        ),
    ] = 10_000


class EventSettings(Struct, kw_only=True, forbid_unknown_fields=True):
    poll_seconds: Annotated[
        float,
        Meta(
            ge=0.05,
            le=60,
            description="How often each process reads the event log for events committed "
            "elsewhere, whatever the wake-ups (with Redis they arrive at once; this bounds "
            "the delay when one is lost, or without Redis).",
        ),
    ] = 1.0
    durable_coalesce_seconds: Annotated[
        float,
        Meta(
            ge=0,
            le=1,
            description="How long the durable consumers (notifications, webhooks, section "
            "protection) wait after a commit, so that a burst of commits is applied in one "
            "transaction instead of one per commit (0: at once).",
        ),
    ] = 0.02
    retention_days: Annotated[
        int,
        Meta(
            ge=1,
            le=3650,
            description="Days the event log keeps events (resumable live streams, webhooks "
            "and notifications read from it); older events that every durable consumer has "
            "read are pruned.",
        ),
    ] = 7
