"""The table registry: imports every domain's tables so the metadata is complete.

Wiring, at the top of the layers: migrations and tests import it; no domain does.
"""

from rejoinder.account_page import models as account_models
from rejoinder.accounts import models as accounts_models
from rejoinder.comments import models as comments_models
from rejoinder.events import models as events_models
from rejoinder.imports import models as imports_models
from rejoinder.moderation import models as moderation_models
from rejoinder.notifications import models as notifications_models
from rejoinder.plans import models as plans_models
from rejoinder.policies import models as policies_models
from rejoinder.profiles import models as profiles_models
from rejoinder.storage.metadata import metadata
from rejoinder.stories import models as stories_models
from rejoinder.webhooks import models as webhooks_models

__all__ = [
    "account_models",
    "accounts_models",
    "comments_models",
    "events_models",
    "imports_models",
    "metadata",
    "moderation_models",
    "notifications_models",
    "plans_models",
    "policies_models",
    "profiles_models",
    "stories_models",
    "webhooks_models",
]
