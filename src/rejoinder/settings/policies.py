"""Settings of newsroom policies: registered names, self-protecting sections, takedowns."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, Struct, field

RegisteredNameScript = Literal["latin", "any"]


class ProtectionRule(Struct, kw_only=True, forbid_unknown_fields=True):
    """A story's comments close or hide themselves when trouble piles up in a window."""

    window_minutes: Annotated[
        int, Meta(ge=1, le=10_080, description="The sliding window the counts are taken over.")
    ] = 60
    held_threshold: Annotated[
        Annotated[int, Meta(ge=1)] | None,
        Meta(description="Comments held for review in the window that trigger the rule."),
    ] = None
    rejected_threshold: Annotated[
        Annotated[int, Meta(ge=1)] | None,
        Meta(description="Comments rejected (automatically or by a moderator) that do."),
    ] = None
    report_threshold: Annotated[
        Annotated[int, Meta(ge=1)] | None,
        Meta(description="Reader reports on the story's comments that do."),
    ] = None
    action: Annotated[
        Literal["close", "hide"],
        Meta(
            description="`close`: comments stay visible, nobody can post, the message says "
            "why. `hide`: the whole section is hidden as well (readers see only the message) "
            "until a moderator reopens it."
        ),
    ] = "close"
    message: Annotated[
        str,
        Meta(
            max_length=500,
            description="Shown to readers on the story while the rule holds it (empty: the "
            "widget's own closed / hidden text).",
        ),
    ] = ""


class TakedownSettings(Struct, kw_only=True, forbid_unknown_fields=True):
    days: Annotated[
        int,
        Meta(ge=1, le=365, description="Days the desk has to decide a takedown request."),
    ] = 7
    remind_days: Annotated[
        int,
        Meta(
            ge=0,
            le=365,
            description="Requests this many days or fewer from their deadline "
            "are flagged `due_soon` in the desk's Takedown queue.",
        ),
    ] = 2
    reasons: Annotated[
        list[Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]{0,63}$")]],
        Meta(description="Legal reason categories a requester may choose from."),
    ] = field(
        default_factory=lambda: [
            "defamation",
            "privacy",
            "copyright",
            "hate_speech",
            "illegal_content",
            "other",
        ]
    )
    requests_per_hour_per_address: Annotated[
        int, Meta(ge=1, description="Takedown requests one client address may file an hour.")
    ] = 5
