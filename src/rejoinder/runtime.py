"""The collaborators every action may need, built once by ``rejoinder.app.create_runtime``."""

from __future__ import annotations

from dataclasses import dataclass, field

from rejoinder.accounts.sso import SsoVerifier
from rejoinder.comments.cache import NullPageCache, PageCache
from rejoinder.comments.fastread import SqliteReader
from rejoinder.comments.fastwrite import SqliteWriter
from rejoinder.kernel.clock import Clock
from rejoinder.kernel.events import EventBus
from rejoinder.kernel.ratelimit import RateLimiter
from rejoinder.moderation.seam import ModerationPipeline, PassThroughPipeline
from rejoinder.profiles.policy import NamePolicy
from rejoinder.settings import Settings
from rejoinder.storage.database import Database


@dataclass(slots=True)
class Runtime:
    settings: Settings
    clock: Clock
    bus: EventBus
    db: Database
    limiter: RateLimiter
    sso: SsoVerifier
    names: NamePolicy
    moderation: ModerationPipeline = field(default_factory=PassThroughPipeline)
    cache: PageCache = field(default_factory=NullPageCache)
    # Hot reads (public pages, token lookups, the reads before a post) and posts straight
    # from SQLite (None on PostgreSQL): see comments.fastread, comments.fastwrite.
    reader: SqliteReader | None = None
    writer: SqliteWriter | None = None
