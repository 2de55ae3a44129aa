"""The error tree every action raises; ``rejoinder.api.problems`` maps it to HTTP once.

    RejoinderError                 400  a stable ``code`` plus a human ``message``
    ├── NotAuthenticated           401  authentication_required, invalid_token, ...
    ├── Forbidden                  403  plan_does_not_allow_commenting, display_name_required, ...
    ├── NotFound                   404  not_found, unknown_plan, ...
    ├── Conflict                   409  display_name_taken, story_closed, ...
    ├── Invalid                    422  display_name_invalid, comment_empty, ...
    └── RateLimited                429  rate_limited (carries ``retry_after`` seconds)

Codes are part of the public contract: once published, a code keeps its meaning.
"""

from __future__ import annotations

from typing import Any, ClassVar


class RejoinderError(Exception):
    status: ClassVar[int] = 400
    default_code: ClassVar[str] = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.extra = extra


class NotAuthenticated(RejoinderError):
    status = 401
    default_code = "authentication_required"


class Forbidden(RejoinderError):
    status = 403
    default_code = "forbidden"


class NotFound(RejoinderError):
    status = 404
    default_code = "not_found"


class Conflict(RejoinderError):
    status = 409
    default_code = "conflict"


class Invalid(RejoinderError):
    status = 422
    default_code = "validation_failed"


class RateLimited(RejoinderError):
    status = 429
    default_code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(message, code=code, retry_after=retry_after)
        self.retry_after = retry_after
