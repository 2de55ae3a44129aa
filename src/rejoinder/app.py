"""``create_app(settings)``: the one place that picks backends and wires the service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.logging.config import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from rejoinder import __version__
from rejoinder.accounts.dependencies import DEPENDENCIES as ACCOUNT_DEPENDENCIES
from rejoinder.accounts.sso import SsoVerifier, load_keys
from rejoinder.api.dependencies import DEPENDENCIES
from rejoinder.api.problems import EXCEPTION_HANDLERS
from rejoinder.api.routes import ROUTES
from rejoinder.comments.cache import MemoryPageCache, NullPageCache, PageCache, invalidate_on
from rejoinder.comments.fastpath import install_fast_path
from rejoinder.comments.fastread import sqlite_reader
from rejoinder.comments.fastwrite import sqlite_writer
from rejoinder.demo.api import ROUTES as DEMO_ROUTES
from rejoinder.kernel.clock import Clock, SystemClock
from rejoinder.kernel.events import InProcessBus
from rejoinder.kernel.ratelimit import MemoryRateLimiter
from rejoinder.moderation.pipeline import Pipeline
from rejoinder.observability.api import metrics_route
from rejoinder.observability.instrument import instrument
from rejoinder.observability.metrics import Metrics
from rejoinder.observability.middleware import Observe
from rejoinder.profiles.policy import NamePolicy
from rejoinder.runtime import Runtime
from rejoinder.settings import Settings
from rejoinder.storage.database import Database
from rejoinder.widget.assets import PRECOMPRESSED
from rejoinder.widget.cors import cors_config


def create_runtime(settings: Settings, *, clock: Clock | None = None) -> Runtime:
    """Pick every backend. Today: the embedded defaults (in-process bus and limiter)."""
    clock = clock or SystemClock()
    bus = InProcessBus()
    db = Database(
        settings.database.url,
        bus,
        pool_size=settings.database.pool_size,
        echo=settings.database.echo,
    )
    comments = settings.comments
    cache: PageCache = (
        MemoryPageCache(comments.cache_max_entries) if comments.cache_enabled else NullPageCache()
    )
    bus.subscribe("*", invalidate_on(cache))
    return Runtime(
        settings=settings,
        clock=clock,
        bus=bus,
        db=db,
        limiter=MemoryRateLimiter(clock),
        sso=SsoVerifier(settings.sso, load_keys(settings.sso)),
        names=name_policy(settings),
        moderation=Pipeline(settings, db),
        cache=cache,
        reader=sqlite_reader(settings.database.url),
        writer=sqlite_writer(settings.database.url),
    )


def name_policy(settings: Settings) -> NamePolicy:
    """Site names are reserved as display names, with the operator's own list."""
    names = settings.display_names
    return NamePolicy(
        min_length=names.min_length,
        max_length=names.max_length,
        reserved=[*names.reserved, *(site.name for site in settings.sites)],
        blocked_words=names.blocked_words,
    )


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Rejoinder API",
        version=__version__,
        description=(
            "Plan-gated commenting for news publishers. Errors are RFC 9457 problem+json "
            "documents with a stable `code`."
        ),
        path="/api/docs",
        components=Components(
            security_schemes={
                "reader": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="An access token from /api/v1/auth/sso, /login or /register.",
                ),
                "admin_key": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="An admin API key from `accounts.admin_api_keys`.",
                ),
            }
        ),
        use_handler_docstrings=True,
        create_examples=False,
    )


def compression_config(settings: Settings) -> CompressionConfig | None:
    """Brotli (gzip for clients without it) for API and page responses above a small size.

    Static bundles are compressed once at start-up instead (their handlers opt out), and the
    cached-page fast path answers before this middleware runs.
    """
    if not settings.compression.enabled:
        return None
    return CompressionConfig(
        backend="brotli",
        brotli_quality=4,  # per response: fast, and still smaller than gzip -6 on JSON
        brotli_gzip_fallback=True,
        gzip_compress_level=6,
        minimum_size=settings.compression.minimum_bytes,
        exclude_opt_key=PRECOMPRESSED,
    )


def create_app(
    settings: Settings, *, runtime: Runtime | None = None, metrics: Metrics | None = None
) -> Litestar:
    runtime = runtime or create_runtime(settings)
    metrics = metrics or Metrics(settings.metrics)
    instrument(runtime, metrics)
    operations = [metrics_route(settings.metrics, metrics)] if settings.metrics.enabled else []

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await runtime.db.close()
            for fast in (runtime.reader, runtime.writer):
                if fast is not None:
                    fast.close()

    app = Litestar(
        route_handlers=[*ROUTES, *operations, *(DEMO_ROUTES if settings.server.demo else [])],
        dependencies={**DEPENDENCIES, **ACCOUNT_DEPENDENCIES},
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        openapi_config=openapi_config(),
        lifespan=[lifespan],
        request_max_body_size=settings.server.max_body_bytes,
        cors_config=cors_config(settings),
        compression_config=compression_config(settings),
        # Litestar's loggers go to the root handler ``rejoinder.observability.logs`` sets up,
        # instead of a handler and format of its own.
        logging_config=LoggingConfig(
            logging_module="logging",
            configure_root_logger=False,
            disable_existing_loggers=False,
            loggers={"litestar": {"level": "INFO", "propagate": True}},
        ),
        debug=False,
    )
    app.state.runtime = runtime
    install_fast_path(app, runtime)
    # Outermost, so that fast-path hits get a request id and a latency sample too.
    app.asgi_handler = Observe(app.asgi_handler, metrics, access_log=settings.logging.access_log)
    return app
