"""The ``rejoinder`` command: migrate, create-admin, config-reference, configuration errors."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from rejoinder.accounts.models import accounts
from rejoinder.app import create_runtime
from rejoinder.cli import main
from rejoinder.settings import load_settings


def _config(tmp_path: Path, database_url: str) -> Path:
    path = tmp_path / "rejoinder.toml"
    path.write_text(f'[database]\nurl = "{database_url}"\n', encoding="utf-8")
    return path


def test_migrate_is_idempotent(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, database_url)
    assert main(["--config", str(config), "migrate"]) == 0
    assert main(["--config", str(config), "migrate"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_create_admin_creates_and_promotes(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(tmp_path, database_url)
    monkeypatch.setenv("REJOINDER_ADMIN_PASSWORD", "a long admin password")
    assert main(["--config", str(config), "create-admin", "--email", "Chief@News.test"]) == 0
    assert main(["--config", str(config), "create-admin", "--email", "chief@news.test"]) == 0

    async def roles() -> list[tuple[str | None, str]]:
        from sqlalchemy import select

        runtime = create_runtime(load_settings(config, environ={}))
        try:
            async with runtime.db.read() as conn:
                rows = await conn.execute(select(accounts.c.email_key, accounts.c.role))
                return [(row.email_key, row.role) for row in rows]
        finally:
            await runtime.close()

    assert asyncio.run(roles()) == [("chief@news.test", "admin")]


def test_configuration_error_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[server]\nport = 'x'\n", encoding="utf-8")
    assert main(["--config", str(bad), "migrate"]) == 2
    assert "configuration error" in capsys.readouterr().err


def test_committed_configuration_reference_is_current() -> None:
    from rejoinder.docsgen import config_reference

    committed = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"
    assert committed.read_text(encoding="utf-8") == config_reference(), (
        "docs/configuration.md is stale: run `make docs`"
    )
