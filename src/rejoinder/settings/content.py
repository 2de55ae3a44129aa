"""Settings of what readers see: sites and comments."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, Struct, field

from rejoinder.settings.policies import ProtectionRule, RegisteredNameScript


class SiteSettings(Struct, kw_only=True, forbid_unknown_fields=True):
    id: Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$", description="Site id.")]
    name: Annotated[str, Meta(min_length=1, description="The publication's name.")]
    allowed_domains: Annotated[
        list[str],
        Meta(description="Host names whose pages may embed comments and create stories lazily."),
    ] = field(default_factory=list)
    auto_close_days: Annotated[
        Annotated[int, Meta(ge=1, le=36500)] | None,
        Meta(description="Close a story's comments this many days after publication."),
    ] = None
    lazy_stories_per_hour: Annotated[
        int,
        Meta(
            ge=1,
            description="Stories that embeds may create on this site per hour (the publisher's "
            "API is not counted); past it, new pages get 429 until the hour has passed.",
        ),
    ] = 500
    lazy_stories_per_address_per_hour: Annotated[
        int, Meta(ge=1, description="Stories one client address may create lazily per hour.")
    ] = 30
    subscribe_url: Annotated[
        Annotated[str, Meta(pattern=r"^https?://\S+$")] | None,
        Meta(
            description="Where the signed-out comment box's Subscribe link goes (default: the "
            "upgrade URL of `accounts.default_plan`)."
        ),
    ] = None
    home_url: Annotated[
        Annotated[str, Meta(pattern=r"^https?://\S+$")] | None,
        Meta(description="The publication's front page, linked from the account page."),
    ] = None
    accent_color: Annotated[
        Annotated[str, Meta(pattern=r"^#[0-9a-fA-F]{6}$")] | None,
        Meta(description="The publication's colour (`#rrggbb`) for the account page's buttons."),
    ] = None
    registered_name_required: Annotated[
        bool,
        Meta(
            description="Readers must register a first name and a surname (never shown publicly; "
            "seen by moderators) before their first comment on this site."
        ),
    ] = False
    registered_name_script: Annotated[
        RegisteredNameScript,
        Meta(
            description="What a registered name may be written in: `latin` (Roman letters, "
            "spaces, hyphens and apostrophes only) or `any` (letters of any script)."
        ),
    ] = "latin"
    public_name: Annotated[
        Literal["display_name", "initials"],
        Meta(
            description="The commenter's name readers see on this site: the `display_name`, "
            "or the `initials` of the registered name (`H. Y.`; needs "
            "`registered_name_required`)."
        ),
    ] = "display_name"
    protection: Annotated[
        ProtectionRule | None,
        Meta(description="Close or hide a story's comments automatically (`[sites.protection]`)."),
    ] = None

    language: Annotated[
        Literal["en", "ja"],
        Meta(description="The site's language: mail to readers who chose none is in it."),
    ] = "en"
    time_zone: Annotated[
        str | None,
        Meta(
            description="IANA time zone of the site's digests for readers who chose none "
            "(default: `Asia/Tokyo` for a Japanese site, `UTC` otherwise)."
        ),
    ] = None

    @property
    def zone(self) -> str:
        return self.time_zone or ("Asia/Tokyo" if self.language == "ja" else "UTC")


class CommentSettings(Struct, kw_only=True, forbid_unknown_fields=True):
    max_length: Annotated[
        int, Meta(ge=1, le=100_000, description="Longest comment body, in characters.")
    ] = 5000
    edit_window_minutes: Annotated[
        int, Meta(ge=0, description="Minutes after posting during which the author may edit.")
    ] = 10
    reaction_kinds: Annotated[
        list[Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]{0,31}$")]],
        Meta(description="Reaction kinds readers may give, e.g. `like`, `insightful`."),
    ] = field(default_factory=lambda: ["like"])
    page_size: Annotated[
        int, Meta(ge=1, le=200, description="Top-level comments per page when not asked.")
    ] = 20
    max_page_size: Annotated[
        int, Meta(ge=1, le=200, description="Largest `limit` a client may ask for.")
    ] = 100
    replies_preview: Annotated[
        int, Meta(ge=0, le=20, description="Replies shown under each top-level comment.")
    ] = 3
    max_depth: Annotated[
        int,
        Meta(ge=1, le=50, description="Deepest reply level; deeper replies join the last level."),
    ] = 6
    rate_limit_count: Annotated[
        int, Meta(ge=1, description="Comments (and edits) a reader may post per window.")
    ] = 10
    rate_limit_window_seconds: Annotated[
        int, Meta(ge=1, description="The window of `rate_limit_count`, in seconds.")
    ] = 60
    ip_rate_limit_count: Annotated[
        int, Meta(ge=1, description="Writes (comments, reactions, reports) per client address.")
    ] = 120
    reaction_rate_limit_count: Annotated[
        int, Meta(ge=1, description="Reactions and reports a reader may give per minute.")
    ] = 60
    idempotency_ttl_hours: Annotated[
        int, Meta(ge=1, description="How long an `Idempotency-Key` replays its response.")
    ] = 24
    cache_enabled: Annotated[
        bool, Meta(description="Cache the first page of each story for anonymous readers.")
    ] = True
    cache_ttl_seconds: Annotated[
        int,
        Meta(
            ge=1,
            description="Longest life of a cached page; events invalidate it sooner. Comment "
            "counts are sent with this `max-age` for browsers and CDNs.",
        ),
    ] = 60
    cache_max_entries: Annotated[
        int, Meta(ge=1, description="Cached pages kept per process (least recently used go).")
    ] = 10_000
