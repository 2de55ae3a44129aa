"""Everything the phases may need from the database, in one statement.

Each figure is an indexed lookup: the author's comments by ``ix_comments_account_id``, texts by
``ix_comment_checks_text_hash``, nudges and sanctions by account. Counts that only need to reach
a threshold are bounded (``LIMIT``), so a prolific reader costs the same as a new one. The
statement is built once and run with bound parameters: building SQLAlchemy expressions per
comment cost more than running them. Sanctions are read only when the reader has one.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, exists, func, or_, select
from sqlalchemy.sql import Select

from rejoinder.comments.decisions import ModerationContext
from rejoinder.comments.models import comments
from rejoinder.moderation.models import comment_checks, moderation_nudges, sanctions
from rejoinder.moderation.phases.base import ActiveSanction, Facts
from rejoinder.settings import ModerationSettings
from rejoinder.storage.database import Connection
from rejoinder.storage.statements import defined
from rejoinder.stories.models import stories

# Comment ids start at 1: "not this comment" for a new comment is "id != 0".
NO_COMMENT = 0


def _bounded_count(stmt: Select[Any], limit: str) -> Any:
    inner = stmt.limit(bindparam(limit)).subquery()
    return select(func.count()).select_from(inner).scalar_subquery()


def _in_force(account: Any, site: Any, now: Any) -> Any:
    return and_(
        sanctions.c.account_id == account,
        sanctions.c.lifted_at.is_(None),
        sanctions.c.kind != "warn",
        or_(sanctions.c.until.is_(None), sanctions.c.until > now),
        or_(sanctions.c.site_id.is_(None), sanctions.c.site_id == site),
    )


@functools.cache
def facts_statement() -> Select[Any]:
    author: Any = bindparam("author")
    comment: Any = bindparam("comment")
    text_hash: Any = bindparam("text_hash")
    mine = select(comments.c.id).where(comments.c.account_id == author, comments.c.id != comment)
    statement = select(
        stories.c.status,
        stories.c.close_at,
        _bounded_count(mine.where(comments.c.created_at > bindparam("hour_ago")), "velocity"),
        _bounded_count(
            select(comment_checks.c.comment_id).where(
                comment_checks.c.text_hash == text_hash,
                comment_checks.c.account_id == author,
                comment_checks.c.checked_at > bindparam("repeat_since"),
                comment_checks.c.comment_id != comment,
            ),
            "one",
        ),
        select(func.count(func.distinct(comment_checks.c.account_id)))
        .where(
            comment_checks.c.text_hash == text_hash,
            comment_checks.c.account_id != author,
            comment_checks.c.checked_at > bindparam("many_since"),
        )
        .scalar_subquery(),
        _bounded_count(mine.where(comments.c.status != "deleted"), "first_n"),
        _bounded_count(mine.where(comments.c.status == "published"), "links_n"),
        exists().where(
            moderation_nudges.c.account_id == author,
            moderation_nudges.c.story_id == stories.c.id,
            moderation_nudges.c.created_at > bindparam("nudge_since"),
        ),
        exists().where(_in_force(author, stories.c.site_id, bindparam("now"))),
    ).where(stories.c.id == bindparam("story"))
    return defined(statement)


def facts_params(
    ctx: ModerationContext, text_hash: str, rules: ModerationSettings
) -> dict[str, Any]:
    now = ctx.now
    return {
        "author": ctx.account_id,
        "comment": ctx.comment_id or NO_COMMENT,
        "story": ctx.story_id,
        "text_hash": text_hash,
        "now": now,
        "hour_ago": now - timedelta(hours=1),
        "repeat_since": now - timedelta(minutes=rules.repeat_window_minutes),
        "many_since": now - timedelta(minutes=rules.repeat_many_window_minutes),
        "nudge_since": now - timedelta(minutes=rules.nudge_window_minutes),
        "velocity": max(rules.velocity_per_hour, 1),
        "one": 1,
        "first_n": max(rules.new_commenter_premoderation, 1),
        "links_n": max(rules.links_new_commenter_threshold, 1),
    }


async def load_facts(
    conn: Connection, ctx: ModerationContext, text_hash: str, rules: ModerationSettings
) -> Facts:
    """The facts, in one unit of work (``Pipeline.facts`` runs it in one hop)."""
    row = (await conn.execute(facts_statement(), facts_params(ctx, text_hash, rules))).one()
    sanctions_found = (
        await active_sanctions(conn, ctx.account_id, ctx.site_id, ctx.now) if row[8] else ()
    )
    return facts_from_row(tuple(row), sanctions_found)


def facts_from_row(row: tuple[Any, ...], found: tuple[ActiveSanction, ...]) -> Facts:
    return Facts(
        story_status=row[0],
        story_close_at=row[1],
        comments_last_hour=row[2],
        same_text_by_author=row[3],
        same_text_other_readers=row[4],
        prior_comments=row[5],
        prior_published=row[6],
        nudged_recently=bool(row[7]),
        sanctions=found,
    )


async def active_sanctions(
    conn: Connection, account_id: int, site_id: str, now: datetime
) -> tuple[ActiveSanction, ...]:
    """Sanctions in force for ``account_id`` on ``site_id`` (network-wide ones included)."""
    rows = await conn.execute(
        select(sanctions.c.kind, sanctions.c.site_id, sanctions.c.until, sanctions.c.reason)
        .where(_in_force(account_id, site_id, now))
        .order_by(sanctions.c.id.desc())
    )
    return tuple(ActiveSanction(r.kind, r.site_id, r.until, r.reason) for r in rows)
