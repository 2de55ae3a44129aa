"""The collaborators every action may need, built once by ``rejoinder.app.create_runtime``."""

from __future__ import annotations

from dataclasses import dataclass, field

from rejoinder.accounts.cache import ViewerCache
from rejoinder.accounts.sso import SsoVerifier
from rejoinder.comments.cache import NullPageCache, PageCache
from rejoinder.events.relay import Relay
from rejoinder.kernel.clock import Clock
from rejoinder.kernel.ratelimit import RateLimiter
from rejoinder.moderation.seam import ModerationPipeline, PassThroughPipeline
from rejoinder.profiles.policy import NamePolicy
from rejoinder.settings import Settings
from rejoinder.storage.database import Database


@dataclass(slots=True)
class Runtime:
    settings: Settings
    clock: Clock
    db: Database
    relay: Relay
    limiter: RateLimiter
    sso: SsoVerifier
    names: NamePolicy
    moderation: ModerationPipeline = field(default_factory=PassThroughPipeline)
    cache: PageCache = field(default_factory=NullPageCache)
    viewers: ViewerCache = field(default_factory=lambda: ViewerCache(0))

    async def start(self) -> None:
        """Background work of a serving process: the relay's loop."""
        await self.relay.start()

    async def close(self) -> None:
        await self.relay.close()
        await self.db.close()
