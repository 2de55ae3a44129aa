"""Settings of who readers are: SSO, accounts, display names, plans."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, Struct, field

# Demo credentials are public: a configuration that is not the demo must not use them.
DEMO_SSO_SECRET = "demo-sso-secret"  # noqa: S105 - documented, demo-only, refused outside the demo
DEMO_ADMIN_KEY = "demo-admin-key"

ENTITLEMENTS = ("read", "comment", "react", "report")
MIN_HS256_SECRET_BYTES = 32


class SsoKey(Struct, kw_only=True, forbid_unknown_fields=True):
    kid: Annotated[
        str | None,
        Meta(description="Key id the publisher puts in the JWT header; selects this key."),
    ] = None
    algorithm: Annotated[
        Literal["HS256", "RS256"], Meta(description="`HS256` (shared secret) or `RS256`.")
    ] = "HS256"
    secret: Annotated[str | None, Meta(description="Shared secret for HS256.")] = None
    public_key: Annotated[str | None, Meta(description="PEM public key for RS256.")] = None
    public_key_file: Annotated[
        str | None, Meta(description="Path to a PEM public key file for RS256.")
    ] = None


class SsoSettings(Struct, kw_only=True, forbid_unknown_fields=True):
    enabled: Annotated[bool, Meta(description="Accept publisher-signed JWTs.")] = True
    keys: Annotated[
        list[SsoKey],
        Meta(
            description="Verification keys. Several may be active at once: add the new key, "
            "switch the publisher to it, then remove the old one (rotation without downtime)."
        ),
    ] = field(default_factory=list)
    jwks_file: Annotated[
        str | None,
        Meta(description="Path to a JWKS document with RS256 public keys, selected by `kid`."),
    ] = None
    algorithms: Annotated[
        list[Literal["HS256", "RS256"]],
        Meta(description="Algorithm allow-list; `none` can never be allowed."),
    ] = field(default_factory=lambda: ["HS256", "RS256"])
    audience: Annotated[
        str | None, Meta(description="When set, the `aud` claim must contain this value.")
    ] = None
    issuer: Annotated[
        str | None, Meta(description="When set, the `iss` claim must equal this value.")
    ] = None
    leeway_seconds: Annotated[
        int, Meta(ge=0, le=600, description="Clock skew tolerated on `exp` and `iat`.")
    ] = 60
    max_age_seconds: Annotated[
        int,
        Meta(ge=60, description="SSO tokens older than this (by `iat`) are refused."),
    ] = 86400
    exchanges_per_minute_per_address: Annotated[
        int, Meta(ge=1, description="SSO sign-ins a client address may make per minute.")
    ] = 30
    exchanges_per_minute_per_subject: Annotated[
        int, Meta(ge=1, description="SSO sign-ins one subscriber (`sub`) may make per minute.")
    ] = 10
    max_exchanges_per_token: Annotated[
        int,
        Meta(
            ge=1,
            description="Access tokens one SSO token without a `jti` claim can mint in its "
            "life; a token with a `jti` is single use.",
        ),
    ] = 5


class AccountSettings(Struct, kw_only=True, forbid_unknown_fields=True):
    local_enabled: Annotated[
        bool, Meta(description="Offer Rejoinder's own e-mail + password accounts.")
    ] = True
    access_token_ttl_seconds: Annotated[
        int, Meta(ge=60, description="Lifetime of the bearer tokens Rejoinder issues.")
    ] = 30 * 86400
    password_min_length: Annotated[int, Meta(ge=8, description="Shortest password.")] = 10
    viewer_cache_seconds: Annotated[
        float,
        Meta(
            ge=0,
            le=60,
            description="How long a signed-in reader's token lookup may be reused for reads "
            "(0: never). Writes always look it up afresh, and a revoked token, a plan change or "
            "a sanction drops it at once in every process.",
        ),
    ] = 5.0
    auth_attempts_per_minute: Annotated[
        int,
        Meta(ge=1, description="Sign-in and registration attempts per client address a minute."),
    ] = 10
    default_plan: Annotated[
        str,
        Meta(description="Plan of new local accounts and of SSO tokens without a `plan` claim."),
    ] = "free"
    admin_api_keys: Annotated[
        list[str],
        Meta(
            description="Keys for the server-to-server admin API (`Authorization: Bearer <key>`): "
            "plan sync, stories. Use long random strings."
        ),
    ] = field(default_factory=list)


class DisplayNameSettings(Struct, kw_only=True, forbid_unknown_fields=True):
    min_length: Annotated[int, Meta(ge=1, le=64, description="Fewest characters.")] = 2
    max_length: Annotated[int, Meta(ge=2, le=64, description="Most characters.")] = 30
    change_cooldown_days: Annotated[
        int, Meta(ge=0, description="Days between two changes of a display name.")
    ] = 14
    correction_grace_minutes: Annotated[
        int,
        Meta(
            ge=0,
            description="A brand-new first display name may be corrected once within this many "
            "minutes without waiting for the cool-down (a typo at sign-up); the cool-down then "
            "starts from the correction.",
        ),
    ] = 30
    reserved: Annotated[
        list[str],
        Meta(
            description="Extra reserved names (the publication's own name, its brands). Staff role "
            "words and every configured site name are always reserved."
        ),
    ] = field(default_factory=list)
    blocked_words: Annotated[
        list[str],
        Meta(description="Extra words that may not appear in a display name (offensive terms)."),
    ] = field(default_factory=list)


class PlanSettings(Struct, kw_only=True, forbid_unknown_fields=True):
    id: Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$", description="Plan id.")]
    name: Annotated[str, Meta(min_length=1, description="Name shown to readers.")]
    entitlements: Annotated[
        list[str],
        Meta(description="What the plan allows: any of `read`, `comment`, `react`, `report`."),
    ] = field(default_factory=lambda: ["read"])
    badge: Annotated[
        str | None, Meta(description="Badge shown next to the reader's name, e.g. `Premium`.")
    ] = None
    names: Annotated[
        dict[Annotated[str, Meta(pattern=r"^[a-z]{2}$")], Annotated[str, Meta(min_length=1)]],
        Meta(
            description="The plan's name in other languages, by language code "
            '(`{ja = "デジタル"}`): pages in that language show it instead of `name`.'
        ),
    ] = field(default_factory=dict)
    badges: Annotated[
        dict[Annotated[str, Meta(pattern=r"^[a-z]{2}$")], Annotated[str, Meta(min_length=1)]],
        Meta(description='The badge in other languages, by language code (`{ja = "プレミアム"}`).'),
    ] = field(default_factory=dict)
    upgrade_url: Annotated[
        str | None, Meta(description="Where a reader on this plan can upgrade.")
    ] = None
    requires_verified: Annotated[
        list[Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]{0,63}_verified$")]],
        Meta(
            description="SSO claims that must be `true` before a reader on this plan may comment, "
            "e.g. `phone_verified`, `email_verified`."
        ),
    ] = field(default_factory=list)
