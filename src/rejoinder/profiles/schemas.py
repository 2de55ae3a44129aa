"""Input and output shapes of the profile API (``/api/v1/me``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import Meta

from rejoinder.plans.gate import CommentBlock


class PlanView(msgspec.Struct, kw_only=True):
    id: str
    name: str
    entitlements: list[str]
    badge: str | None
    upgrade_url: str | None


class MeView(msgspec.Struct, kw_only=True):
    id: int
    email: str | None
    role: str
    plan: PlanView
    display_name: str | None
    bio: str
    badges: list[str]
    can_comment: bool
    comment_blocked: CommentBlock | None
    profile_url: str
    display_name_changed_at: datetime | None
    display_name_change_allowed_at: datetime | None
    display_name_correction_until: Annotated[
        datetime | None,
        Meta(description="Until then a brand-new first name may be corrected once."),
    ] = None
    registered_first_name: Annotated[
        str | None, Meta(description="My registered first name (only I and moderators see it).")
    ] = None
    registered_surname: Annotated[
        str | None, Meta(description="My registered surname (only I and moderators see it).")
    ] = None
    registered_name_required: Annotated[
        bool,
        Meta(
            description="Whether a site (the `site` asked for, else any) asks for a registered "
            "name before commenting."
        ),
    ] = False
    registered_name_script: Annotated[
        str, Meta(description="`latin` (Roman letters only) or `any`.")
    ] = "latin"


class ProfileUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    display_name: Annotated[
        Annotated[str, Meta(max_length=256)] | None,
        Meta(description="Omit or null to keep the current name."),
    ] = None
    bio: Annotated[
        Annotated[str, Meta(max_length=2000)] | None, Meta(description="Omit to keep.")
    ] = None
    registered_first_name: Annotated[
        Annotated[str, Meta(max_length=256)] | None,
        Meta(description="Registered first name (never public); omit to keep."),
    ] = None
    registered_surname: Annotated[
        Annotated[str, Meta(max_length=256)] | None,
        Meta(description="Registered surname (never public); omit to keep."),
    ] = None


class NameCheck(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Live feedback for a display name being typed; nothing is reserved by checking."""

    available: bool
    display_name: str
    code: str | None = None
    reason: str | None = None
    message: str | None = None
    retry_at: Annotated[
        str | None, Meta(description="With `display_name_change_too_soon`: when it is allowed.")
    ] = None
