"""Helpers for the import tests: running an import and reading back what it made."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from rejoinder.accounts.models import accounts
from rejoinder.comments.models import comments
from rejoinder.imports.mapping import parse_rule
from rejoinder.imports.models import import_sources
from rejoinder.imports.report import Report
from rejoinder.imports.service import Options, import_file
from rejoinder.runtime import Runtime
from rejoinder.stories.models import stories

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "remark42"
if not SHARED.is_dir():  # a worktree next to the main checkout: /work/<tree>/tests/...
    SHARED = Path("/work/shared/fixtures/remark42")


async def run_import(
    runtime: Runtime,
    fmt: str,
    path: Path | str,
    *,
    site: str = "news",
    rewrite: tuple[str, ...] = (),
    **options: Any,
) -> Report:
    opts = Options(
        format=fmt, path=str(path), site=site, rules=[parse_rule(r) for r in rewrite], **options
    )
    return await import_file(runtime.db, runtime.settings, runtime.names, runtime.clock, opts)


async def imported(runtime: Runtime, system: str, site: str = "news") -> dict[str, Any]:
    """source id → the comment row as imported (with its parent's source id and author)."""
    async with runtime.db.read() as conn:
        rows = (
            await conn.execute(
                select(
                    import_sources.c.source_id,
                    comments.c.id,
                    comments.c.parent_id,
                    comments.c.depth,
                    comments.c.status,
                    comments.c.body,
                    comments.c.body_html,
                    comments.c.deleted_at,
                    comments.c.created_at,
                    comments.c.reply_count,
                    comments.c.account_id,
                    accounts.c.display_name,
                    accounts.c.role,
                    stories.c.story_key,
                )
                .join(comments, comments.c.id == import_sources.c.comment_id)
                .join(stories, stories.c.id == comments.c.story_id)
                .outerjoin(accounts, accounts.c.id == comments.c.account_id)
                .where(import_sources.c.site_id == site, import_sources.c.system == system)
            )
        ).all()
    by_id = {row.id: row.source_id for row in rows}
    return {row.source_id: {**row._asdict(), "parent": by_id.get(row.parent_id)} for row in rows}


async def story_counts(runtime: Runtime, site: str = "news") -> dict[str, int]:
    async with runtime.db.read() as conn:
        rows = await conn.execute(
            select(stories.c.story_key, stories.c.comment_count).where(stories.c.site_id == site)
        )
    return {row.story_key: row.comment_count for row in rows}
