"""Reading settings from a TOML file and the environment, and checking them."""

from __future__ import annotations

import ipaddress
import json
import os
import tomllib
from pathlib import Path
from typing import Any

import msgspec

from rejoinder.settings.errors import ConfigError
from rejoinder.settings.identity import (
    DEMO_ADMIN_KEY,
    DEMO_SSO_SECRET,
    ENTITLEMENTS,
    MIN_HS256_SECRET_BYTES,
)
from rejoinder.settings.model import SECTIONS, Settings


def _env_value(raw: str, annotation: Any) -> Any:
    """Environment values are strings; lists and structures may be given as JSON."""
    text = raw.strip()
    if text[:1] in ("[", "{"):  # not `in "[{"`: an empty value would match
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


def _check_proxies(proxies: list[str]) -> None:
    for proxy in proxies:
        if proxy == "*":
            continue
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise ConfigError(
                f"server.trusted_proxies: {proxy!r} is not an address or CIDR range"
            ) from None


def _check_networks(networks: list[str]) -> None:
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ConfigError(
                f"webhooks.allow_networks: {network!r} is not an address or CIDR range"
            ) from None


def _check_public_names(settings: Settings) -> None:
    for site in settings.sites:
        if site.public_name == "initials" and not site.registered_name_required:
            raise ConfigError(
                f"sites[{site.id}].public_name: initials need registered_name_required = true"
            )


def check_settings(settings: Settings) -> None:
    """Refuse configurations that would misbehave later; messages name the key."""
    _check_public_names(settings)
    _check_networks(settings.webhooks.allow_networks)
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
    _check_proxies(settings.server.trusted_proxies)
    _check_mail(settings)
    names = settings.display_names
    if names.min_length > names.max_length:
        raise ConfigError("display_names.min_length is larger than display_names.max_length")
    for key in settings.sso.keys:
        if key.algorithm == "HS256" and not key.secret:
            raise ConfigError(f"sso.keys[{key.kid}]: HS256 needs a secret")
        # RFC 7518 §3.2: an HS256 key must be at least as long as the hash (32 bytes).
        short = key.secret is not None and len(key.secret.encode()) < MIN_HS256_SECRET_BYTES
        if key.algorithm == "HS256" and short and key.secret != DEMO_SSO_SECRET:
            raise ConfigError(
                f"sso.keys[{key.kid}]: an HS256 secret needs at least "
                f"{MIN_HS256_SECRET_BYTES} bytes; generate one with `openssl rand -hex 32`"
            )
        if key.algorithm == "RS256" and not (key.public_key or key.public_key_file):
            raise ConfigError(f"sso.keys[{key.kid}]: RS256 needs public_key or public_key_file")
    _check_moderation(settings)
    _check_redis(settings)
    if not settings.server.demo:
        demo_secrets = [k for k in settings.sso.keys if k.secret == DEMO_SSO_SECRET]
        if demo_secrets or DEMO_ADMIN_KEY in settings.accounts.admin_api_keys:
            raise ConfigError(
                "the public demo credentials (demo-sso-secret / demo-admin-key) are configured "
                "but server.demo is off: generate your own secrets before going live"
            )


REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def _check_redis(settings: Settings) -> None:
    redis = settings.redis
    if redis.url is not None and not redis.url.strip():
        # `REJOINDER_REDIS_URL=` (set but empty) reads as "no Redis", like leaving it out.
        redis.url = None
    if redis.url is not None and not redis.url.startswith(REDIS_SCHEMES):
        raise ConfigError(
            "redis.url: give a redis://, rediss:// or unix:// address, "
            f"for example redis://127.0.0.1:6379/0 (got {redis.url.split('@')[-1]!r})"
        )


SMTP_SCHEMES = ("smtp://", "smtps://", "smtp+starttls://")


def _check_mail(settings: Settings) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    mail = settings.mail
    if mail.smtp_url and not mail.smtp_url.startswith(SMTP_SCHEMES):
        raise ConfigError("mail.smtp_url: give an smtp://, smtp+starttls:// or smtps:// address")
    if mail.smtp_url and len(mail.secret.encode()) < MIN_HS256_SECRET_BYTES:
        raise ConfigError(
            f"mail.secret: sending mail needs a secret of at least {MIN_HS256_SECRET_BYTES} "
            "bytes (it signs the unsubscribe links)"
        )
    for site in settings.sites:
        try:
            ZoneInfo(site.zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(
                f"sites.{site.id}.time_zone: unknown time zone {site.zone!r}"
            ) from exc


def _check_moderation(settings: Settings) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    rules = settings.moderation
    for rule in rules.quiet_hours:
        try:
            ZoneInfo(rule.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(
                f"moderation.quiet_hours: unknown time zone {rule.timezone!r}"
            ) from exc
        if rule.site != "*" and settings.site(rule.site) is None:
            raise ConfigError(f"moderation.quiet_hours: no site with id {rule.site!r}")
    if not rules.rejection_reasons:
        raise ConfigError("moderation.rejection_reasons: give at least one reason")
