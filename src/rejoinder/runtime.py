"""The collaborators every action may need, built once by ``rejoinder.app.create_runtime``."""

from __future__ import annotations

from dataclasses import dataclass

from rejoinder.accounts.sso import SsoVerifier
from rejoinder.kernel.clock import Clock
from rejoinder.kernel.events import EventBus
from rejoinder.kernel.ratelimit import RateLimiter
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
