"""Settings: the example file loads, the environment overrides, bad values are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from rejoinder.demo.config import demo_settings
from rejoinder.settings import ConfigError, check_settings, load_settings

ROOT = Path(__file__).resolve().parents[1]


def test_example_configuration_loads() -> None:
    settings = load_settings(ROOT / "rejoinder.example.toml", environ={})
    assert [p.id for p in settings.plans] == ["free", "digital", "premium"]
    assert settings.sites[0].auto_close_days == 14
    assert settings.sso.keys[0].kid == "2026-11"


def test_environment_overrides_file(tmp_path: Path) -> None:
    settings = load_settings(
        ROOT / "rejoinder.example.toml",
        environ={
            "REJOINDER_DATABASE_URL": "postgresql://db/rejoinder",
            "REJOINDER_SERVER_PORT": "9000",
            "REJOINDER_ACCOUNTS_ADMIN_API_KEYS": "one-key, two-key",
            "REJOINDER_SSO_ALGORITHMS": '["RS256"]',
        },
    )
    assert settings.database.url == "postgresql://db/rejoinder"
    assert settings.server.port == 9000
    assert settings.accounts.admin_api_keys == ["one-key", "two-key"]
    assert settings.sso.algorithms == ["RS256"]


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[server]\nport = 'eighty'\n", "invalid configuration"),
        ("[server]\nnope = 1\n", "invalid configuration"),
        ("[accounts]\ndefault_plan = 'gold'\n", "default_plan"),
        ("[[plans]]\nid = 'x'\nname = 'X'\nentitlements = ['fly']\n", "entitlements"),
        ("[[sso.keys]]\nalgorithm = 'HS256'\n", "needs a secret"),
        ("[[sso.keys]]\nalgorithm = 'HS256'\nsecret = 'short'\n", "at least 32 bytes"),
        ("[[sso.keys]]\nalgorithm = 'none'\nsecret = 's'\n", "invalid configuration"),
        ("not toml at all [", "not valid TOML"),
    ],
)
def test_bad_configuration_is_refused_with_the_key(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings(path, environ={})


def test_demo_credentials_refused_outside_demo() -> None:
    settings = demo_settings()
    check_settings(settings)  # fine in the demo
    settings.server.demo = False
    with pytest.raises(ConfigError, match="demo credentials"):
        check_settings(settings)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "absent.toml", environ={})


def test_redis_is_off_by_default_and_set_from_the_environment() -> None:
    assert load_settings(ROOT / "rejoinder.example.toml", environ={}).redis.url is None
    settings = load_settings(
        ROOT / "rejoinder.example.toml",
        environ={
            "REJOINDER_REDIS_URL": "redis://127.0.0.1:6379/3",
            "REJOINDER_REDIS_KEY_PREFIX": "times",
        },
    )
    assert settings.redis.url == "redis://127.0.0.1:6379/3"
    assert settings.redis.key_prefix == "times"
    empty = load_settings(ROOT / "rejoinder.example.toml", environ={"REJOINDER_REDIS_URL": ""})
    assert empty.redis.url is None


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[redis]\nurl = 'http://127.0.0.1:6379'\n", "redis.url"),
        (
            "[redis]\nurl = 'redis://:hunter2@cache.internal:6379/0x'\nkey_prefix = '{x}'\n",
            "invalid configuration",
        ),
        ("[redis]\ntimeout_seconds = 0\n", "invalid configuration"),
    ],
)
def test_bad_redis_settings_are_refused(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as refused:
        load_settings(path, environ={})
    assert "hunter2" not in str(refused.value)
