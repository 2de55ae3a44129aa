"""``create_app(settings)``: the one place that picks backends and wires the service."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.logging.config import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from rejoinder import __version__, ratelimit
from rejoinder.accounts.cache import ViewerCache
from rejoinder.accounts.dependencies import DEPENDENCIES as ACCOUNT_DEPENDENCIES
from rejoinder.accounts.sso import SsoVerifier, load_keys
from rejoinder.api.bodies import decode_body_strictly
from rejoinder.api.clients import install_client_resolution
from rejoinder.api.contract import ContractJsonPlugin
from rejoinder.api.cors import cors_config
from rejoinder.api.dependencies import DEPENDENCIES
from rejoinder.api.options import with_options
from rejoinder.api.problems import EXCEPTION_HANDLERS
from rejoinder.commands import event_log, name_policy
from rejoinder.comments.cache import MemoryPageCache, NullPageCache, PageCache, PageCacheConsumer
from rejoinder.comments.fastpath import FastPath, install_fast_path
from rejoinder.demo.api import ROUTES as DEMO_ROUTES
from rejoinder.imports.authors import claim_on_sign_in
from rejoinder.kernel.clock import Clock, SystemClock
from rejoinder.live.fastpath import install_live_path
from rejoinder.live.hub import LiveHub, hub_of
from rejoinder.live.shutdown import close_streams_on_signal
from rejoinder.moderation.pipeline import Pipeline
from rejoinder.notifications.mailer import CaptureMailer, Mailer, SmtpMailer
from rejoinder.notifications.queries import unread as unread_notifications
from rejoinder.notifications.service import Notifier
from rejoinder.observability.api import metrics_route
from rejoinder.observability.instrument import instrument
from rejoinder.observability.metrics import Metrics
from rejoinder.observability.middleware import HitObserver, Observe
from rejoinder.policies.protection import ProtectionConsumer
from rejoinder.routes import ROUTES
from rejoinder.runtime import Runtime
from rejoinder.settings import Settings
from rejoinder.webhooks.openapi import webhook_document
from rejoinder.webhooks.worker import Webhooks
from rejoinder.widget.assets import PRECOMPRESSED


class Rejoinder(Litestar):
    """Litestar with the cached-page fast path in front of all of it (``front``): a hit pays
    for no layer, not even Litestar's own entry (its scope keys and its ``send`` wrapper)."""

    front: FastPath | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        front = self.front
        if front is not None:
            ready = front.shared_hit(scope)  # an anonymous hit: no coroutine of its own
            if ready is not None:
                await send(ready[0])
                await send(ready[1])
                front.sent(ready[2])
                return
            if await front.answered(scope, send):
                return
        await super().__call__(scope, receive, send)


def create_runtime(settings: Settings, *, clock: Clock | None = None) -> Runtime:
    """Pick every backend: the database from ``[database] url``; the rate limiter and the
    event log's cross-process wake-up from ``[redis] url`` (unset: in-process); the caches
    are per process and kept honest by the event log either way."""
    clock = clock or SystemClock()
    db, relay = event_log(settings, clock)
    comments = settings.comments
    cache: PageCache = (
        MemoryPageCache(comments.cache_max_entries) if comments.cache_enabled else NullPageCache()
    )
    viewers = ViewerCache(settings.accounts.viewer_cache_seconds)
    relay.add(PageCacheConsumer(cache))
    relay.add(viewers)
    live = LiveHub(settings)
    relay.add(live)
    runtime = Runtime(
        settings=settings,
        clock=clock,
        db=db,
        relay=relay,
        limiter=ratelimit.from_settings(settings.redis, clock),
        sso=SsoVerifier(settings.sso, load_keys(settings.sso)),
        names=name_policy(settings),
        moderation=Pipeline(settings, db),
        cache=cache,
        viewers=viewers,
        webhooks=Webhooks(db, relay, clock, settings.webhooks),
        sign_in_hooks=(claim_on_sign_in,),
    )
    live.bind(runtime)
    notifier = Notifier(db, clock, settings, mailer(settings), mail_secret(settings))
    notifier.attach(relay)
    live.unread = unread_notifications  # the widget's unread count rides on the live stream
    runtime.notifier = notifier
    return runtime


DEMO_MAIL_SECRET = "demo-mail-secret-not-for-real-sites-0123456789"  # noqa: S105 - demo only


def mailer(settings: Settings) -> Mailer:
    """SMTP when ``[mail] smtp_url`` is set; otherwise mail stays in the process (the demo
    shows it at ``/demo/mail``)."""
    mail = settings.mail
    if mail.smtp_url:
        return SmtpMailer(mail.smtp_url, timeout=mail.timeout_seconds, connections=mail.connections)
    return CaptureMailer()


def mail_secret(settings: Settings) -> str:
    if settings.mail.secret:
        return settings.mail.secret
    if settings.server.demo:
        return DEMO_MAIL_SECRET
    # Mail never leaves this process without a secret (``check_settings`` requires one for
    # SMTP): links made here only need to work here.
    return secrets.token_hex(32)


def openapi_config(settings: Settings) -> OpenAPIConfig:
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
        # Only the document, with the error contract added (rejoinder.api.contract).
        render_plugins=[ContractJsonPlugin(settings, webhooks=webhook_document())],
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
) -> Rejoinder:
    runtime = runtime or create_runtime(settings)
    metrics = metrics or Metrics(settings.metrics)
    instrument(runtime, metrics)
    operations = [metrics_route(settings.metrics, metrics)] if settings.metrics.enabled else []

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        await runtime.relay.register_durable(ProtectionConsumer(settings), from_start=False)
        await runtime.start()
        # Open streams would keep the server from stopping: end them on its exit signal.
        restore = close_streams_on_signal(hub_of(runtime))
        try:
            yield
        finally:
            restore()
            await hub_of(runtime).close()
            await runtime.close()

    app = Rejoinder(
        route_handlers=with_options(
            [*ROUTES, *operations, *(DEMO_ROUTES if settings.server.demo else [])]
        ),
        dependencies={**DEPENDENCIES, **ACCOUNT_DEPENDENCIES},
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        before_request=decode_body_strictly,
        openapi_config=openapi_config(settings),
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
    install_live_path(app, runtime)  # just outside Litestar: streams pass Observe (their id, log)
    logs = settings.logging
    log_hits = logs.access_log and logs.access_log_cache_hits
    if log_hits:  # hits go through every layer, to be logged like any request
        install_fast_path(app, runtime)
    install_client_resolution(app, settings.server.trusted_proxies)
    app.asgi_handler = Observe(
        app.asgi_handler,
        metrics,
        access_log=logs.access_log,
        access_log_cache_hits=logs.access_log_cache_hits,
    )
    if not log_hits:  # outermost: a hit pays for no other layer (its id and sample aside)
        observer = HitObserver(metrics, access_log=logs.access_log)
        app.front = FastPath(None, runtime, observer)
    return app
