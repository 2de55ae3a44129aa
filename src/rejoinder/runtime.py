"""The collaborators every action may need, built once by ``rejoinder.app.create_runtime``;
and the few a one-off command needs (``CommandRuntime``, built by
``rejoinder.commands.create_command_runtime``).

This module sits below the domains: it imports the platform (storage, events, settings,
kernel) and names the domains' collaborators only for type checking; ``app.py`` builds them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from rejoinder.events.relay import Relay
from rejoinder.kernel.clock import Clock
from rejoinder.ratelimit.base import RateLimiter
from rejoinder.settings import Settings
from rejoinder.storage.database import Database

if TYPE_CHECKING:
    from rejoinder.accounts.cache import ViewerCache
    from rejoinder.accounts.sso import SsoVerifier
    from rejoinder.comments.cache import PageCache
    from rejoinder.comments.decisions import ModerationPipeline
    from rejoinder.notifications.service import Notifier
    from rejoinder.profiles.policy import NamePolicy
    from rejoinder.webhooks.worker import Webhooks


# Run in the SSO sign-in's transaction, after the account is found or opened:
# ``hook(tx, account_id, claims, now)`` (``imports`` claims an imported author's history).
SignInHook = Callable[[Any, int, Any, Any], Awaitable[None]]


class Runtime:
    """A plain class, not a dataclass: Litestar inspects dataclasses' field types at run time,
    and these name domain types that this layer must not import."""

    __slots__ = (
        "cache",
        "clock",
        "db",
        "limiter",
        "moderation",
        "names",
        "notifier",
        "relay",
        "settings",
        "sign_in_hooks",
        "sso",
        "viewers",
        "webhooks",
    )

    def __init__(
        self,
        *,
        settings: Settings,
        clock: Clock,
        db: Database,
        relay: Relay,
        limiter: RateLimiter,
        sso: SsoVerifier,
        names: NamePolicy,
        moderation: ModerationPipeline,
        cache: PageCache,
        viewers: ViewerCache,
        webhooks: Webhooks | None = None,
        notifier: Notifier | None = None,
        sign_in_hooks: tuple[SignInHook, ...] = (),
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.db = db
        self.relay = relay
        self.limiter = limiter
        self.sso = sso
        self.names = names
        self.moderation = moderation
        self.cache = cache
        self.viewers = viewers
        self.webhooks = webhooks
        # Notifications and mail (``rejoinder.notifications``); set by ``app.create_runtime``.
        self.notifier = notifier
        self.sign_in_hooks = sign_in_hooks

    def using(self, *, clock: Clock) -> Runtime:
        """The same collaborators on another clock (the demo seeds its history this way)."""
        fields = {name: getattr(self, name) for name in self.__slots__}
        fields["clock"] = clock
        return Runtime(**fields)

    async def start(self) -> None:
        """Background work of a serving process: the wake-ups' reader, the relay's loop and
        the webhook deliveries and the mail worker."""
        if self.webhooks is not None:
            await self.webhooks.start()
        await self.relay.start()
        if self.notifier is not None:
            await self.notifier.start()

    async def close(self) -> None:
        if self.notifier is not None:
            await self.notifier.close()
        if self.webhooks is not None:
            await self.webhooks.close()
        await self.relay.close()
        await self.limiter.close()
        await self.db.close()


class CommandRuntime:
    """What ``rejoinder import`` and ``rejoinder export`` need: the database (its events
    still go to the log, and to other processes' wake-ups), the clock, the display-name
    policy and the settings. None of the serving runtime's caches, moderation models,
    webhooks or mail: building those was most of such a command's memory."""

    __slots__ = ("clock", "db", "names", "relay", "settings")

    def __init__(
        self, *, settings: Settings, clock: Clock, db: Database, relay: Relay, names: NamePolicy
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.db = db
        self.relay = relay
        self.names = names

    async def close(self) -> None:
        await self.relay.close()
        await self.db.close()
