"""One typed settings object for the whole service.

Settings come from three layers, later ones winning: the defaults below, a TOML file
(``--config`` or ``REJOINDER_CONFIG``), and ``REJOINDER_<SECTION>_<KEY>`` environment
variables (for example ``REJOINDER_DATABASE_URL``). Every key carries its description in
its type, so ``rejoinder config-reference`` can print the operator's reference from this file.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct, field

# Demo credentials are public: a configuration that is not the demo must not use them.
DEMO_SSO_SECRET = "demo-sso-secret"  # noqa: S105 - documented, demo-only, refused outside the demo
DEMO_ADMIN_KEY = "demo-admin-key"

ENTITLEMENTS = ("read", "comment", "react", "report")


class ConfigError(Exception):
    """The configuration is unusable; the message says which key and why."""


class DatabaseSettings(Struct, kw_only=True, forbid_unknown_fields=True):
    url: Annotated[
        str,
        Meta(
            description="SQLAlchemy URL. `sqlite:///path/to/file.sqlite3` (default) or "
            "`postgresql://user@host:5432/dbname` (asyncpg is used)."
        ),
    ] = "sqlite:///var/rejoinder.sqlite3"
    pool_size: Annotated[
        int, Meta(ge=1, le=200, description="Connections per process (PostgreSQL).")
    ] = 10
    echo: Annotated[bool, Meta(description="Log every SQL statement (debugging only).")] = False


class ServerSettings(Struct, kw_only=True, forbid_unknown_fields=True):
    host: Annotated[str, Meta(description="Interface `rejoinder serve` binds to.")] = "127.0.0.1"
    port: Annotated[int, Meta(ge=0, le=65535, description="TCP port of `rejoinder serve`.")] = 8000
    public_url: Annotated[
        str,
        Meta(
            description="The address readers reach Rejoinder at, without a trailing slash; "
            "used to build links such as the Profile section of the account page."
        ),
    ] = "http://127.0.0.1:8000"
    max_body_bytes: Annotated[
        int,
        Meta(ge=1024, description="Largest request body accepted; larger bodies get 413."),
    ] = 65536
    demo: Annotated[
        bool,
        Meta(
            description="Serve the demo publication and allow the public demo credentials. "
            "Never enable on a real site."
        ),
    ] = False


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


class AccountSettings(Struct, kw_only=True, forbid_unknown_fields=True):
    local_enabled: Annotated[
        bool, Meta(description="Offer Rejoinder's own e-mail + password accounts.")
    ] = True
    access_token_ttl_seconds: Annotated[
        int, Meta(ge=60, description="Lifetime of the bearer tokens Rejoinder issues.")
    ] = 30 * 86400
    password_min_length: Annotated[int, Meta(ge=8, description="Shortest password.")] = 10
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
    upgrade_url: Annotated[
        str | None, Meta(description="Where a reader on this plan can upgrade.")
    ] = None


class SiteSettings(Struct, kw_only=True, forbid_unknown_fields=True):
    id: Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$", description="Site id.")]
    name: Annotated[str, Meta(min_length=1, description="The publication's name.")]
    allowed_domains: Annotated[
        list[str],
        Meta(description="Host names whose pages may embed comments and create stories lazily."),
    ] = field(default_factory=list)
    auto_close_days: Annotated[
        Annotated[int, Meta(ge=1)] | None,
        Meta(description="Close a story's comments this many days after publication."),
    ] = None


def _default_plans() -> list[PlanSettings]:
    return [
        PlanSettings(id="free", name="Free", entitlements=["read"]),
        PlanSettings(
            id="member", name="Member", entitlements=["read", "comment", "react", "report"]
        ),
    ]


class Settings(Struct, kw_only=True, forbid_unknown_fields=True):
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    server: ServerSettings = field(default_factory=ServerSettings)
    sso: SsoSettings = field(default_factory=SsoSettings)
    accounts: AccountSettings = field(default_factory=AccountSettings)
    display_names: DisplayNameSettings = field(default_factory=DisplayNameSettings)
    plans: Annotated[
        list[PlanSettings], Meta(description="Subscription plans, as `[[plans]]` tables.")
    ] = field(default_factory=_default_plans)
    sites: Annotated[
        list[SiteSettings], Meta(description="Sites (publications), as `[[sites]]` tables.")
    ] = field(default_factory=list)

    def plan(self, plan_id: str) -> PlanSettings | None:
        for plan in self.plans:
            if plan.id == plan_id:
                return plan
        return None

    def site(self, site_id: str) -> SiteSettings | None:
        for site in self.sites:
            if site.id == site_id:
                return site
        return None


SECTIONS: dict[str, type[Struct]] = {
    "database": DatabaseSettings,
    "server": ServerSettings,
    "sso": SsoSettings,
    "accounts": AccountSettings,
    "display_names": DisplayNameSettings,
}


def _env_value(raw: str, annotation: Any) -> Any:
    """Environment values are strings; lists and structures may be given as JSON."""
    text = raw.strip()
    if text[:1] in "[{":
        return json.loads(text)
    if "list[" in str(annotation):
        return [part.strip() for part in text.split(",") if part.strip()]
    return text


def _apply_env(data: dict[str, Any], environ: dict[str, str]) -> None:
    for section, struct in SECTIONS.items():
        for info in msgspec.structs.fields(struct):
            name = f"REJOINDER_{section}_{info.name}".upper()
            if name in environ:
                data.setdefault(section, {})[info.name] = _env_value(environ[name], info.type)
    for key in ("plans", "sites"):
        name = f"REJOINDER_{key}".upper()
        if name in environ:
            data[key] = json.loads(environ[name])


def load_settings(
    path: str | Path | None = None, environ: dict[str, str] | None = None
) -> Settings:
    """Build the settings from an optional TOML file and the environment, then validate."""
    env = dict(os.environ if environ is None else environ)
    path = path or env.get("REJOINDER_CONFIG")
    data: dict[str, Any] = {}
    if path:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"configuration file {path} does not exist") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"configuration file {path} is not valid TOML: {exc}") from exc
    try:
        _apply_env(data, env)
        settings = msgspec.convert(data, Settings, strict=False)
    except (msgspec.ValidationError, json.JSONDecodeError) as exc:
        raise ConfigError(f"invalid configuration: {exc}") from exc
    check_settings(settings)
    return settings


def check_settings(settings: Settings) -> None:
    """Refuse configurations that would misbehave later; messages name the key."""
    plan_ids = [plan.id for plan in settings.plans]
    if len(set(plan_ids)) != len(plan_ids):
        raise ConfigError("plans: two plans share an id")
    for plan in settings.plans:
        unknown = set(plan.entitlements) - set(ENTITLEMENTS)
        if unknown:
            raise ConfigError(f"plans.{plan.id}.entitlements: unknown {sorted(unknown)}")
    if settings.plan(settings.accounts.default_plan) is None:
        raise ConfigError(
            f"accounts.default_plan: no plan with id {settings.accounts.default_plan!r}"
        )
    site_ids = [site.id for site in settings.sites]
    if len(set(site_ids)) != len(site_ids):
        raise ConfigError("sites: two sites share an id")
    names = settings.display_names
    if names.min_length > names.max_length:
        raise ConfigError("display_names.min_length is larger than display_names.max_length")
    for key in settings.sso.keys:
        if key.algorithm == "HS256" and not key.secret:
            raise ConfigError(f"sso.keys[{key.kid}]: HS256 needs a secret")
        if key.algorithm == "RS256" and not (key.public_key or key.public_key_file):
            raise ConfigError(f"sso.keys[{key.kid}]: RS256 needs public_key or public_key_file")
    if not settings.server.demo:
        demo_secrets = [k for k in settings.sso.keys if k.secret == DEMO_SSO_SECRET]
        if demo_secrets or DEMO_ADMIN_KEY in settings.accounts.admin_api_keys:
            raise ConfigError(
                "the public demo credentials (demo-sso-secret / demo-admin-key) are configured "
                "but server.demo is off: generate your own secrets before going live"
            )
