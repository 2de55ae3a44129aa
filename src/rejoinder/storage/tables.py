"""Imports every domain's tables so the metadata is complete (migrations, tests)."""

from rejoinder.accounts import models as accounts_models
from rejoinder.plans import models as plans_models
from rejoinder.profiles import models as profiles_models
from rejoinder.storage.metadata import metadata

__all__ = ["accounts_models", "metadata", "plans_models", "profiles_models"]
