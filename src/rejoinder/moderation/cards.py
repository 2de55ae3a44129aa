"""Comment cards: a comment with what a moderator needs to decide in one look — the story,
the parent comment, the author's record, what the pipeline found, the reports.

A page of cards costs four queries whatever its size (comments, parents, author figures,
report reasons), never one per card.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from typing import Any

import msgspec
from sqlalchemy import func, select

from rejoinder.accounts.models import accounts
from rejoinder.comments.models import comment_reports, comments
from rejoinder.moderation.models import comment_checks
from rejoinder.moderation.pipeline import decode_record
from rejoinder.moderation.schemas import (
    AuthorCard,
    Band,
    CardStory,
    Finding,
    ModerationCard,
    ParentRef,
)
from rejoinder.settings import Settings
from rejoinder.storage.database import Connection
from rejoinder.stories.models import stories


def band(score: float | None, settings: Settings) -> Band:
    rules = settings.moderation
    if score is None:
        return "unknown"
    if score >= rules.toxicity_threshold:
        return "likely"
    return "maybe" if score >= rules.toxicity_maybe else "unlikely"


def rejection_rate(counts: dict[str, int]) -> float:
    judged = counts.get("published", 0) + counts.get("rejected", 0)
    return round(counts.get("rejected", 0) / judged, 3) if judged else 0.0


async def author_counts(
    conn: Connection, account_ids: set[int], sites: Collection[str] | None = None
) -> dict[int, dict[str, int]]:
    """Comments per status for each author (recomputed, not stored), on ``sites`` only when
    given: a site's moderator sees the figures of their own sites, not the network's."""
    found: dict[int, dict[str, int]] = defaultdict(dict)
    if not account_ids:
        return found
    stmt = select(comments.c.account_id, comments.c.status, func.count()).where(
        comments.c.account_id.in_(sorted(account_ids))
    )
    if sites is not None:
        stmt = stmt.join(stories, stories.c.id == comments.c.story_id).where(
            stories.c.site_id.in_(sorted(sites))
        )
    rows = await conn.execute(stmt.group_by(comments.c.account_id, comments.c.status))
    for account_id, status, n in rows:
        found[account_id][status] = int(n)
    return found


def _findings(row: Any) -> list[Finding]:
    if row.trace:
        return msgspec.json.decode(row.trace, type=list[Finding])
    record = decode_record(row.moderation_detail)
    if record is None:
        return []
    return [
        Finding(phase=f.phase, action=f.action, reason=f.reason, detail=f.detail)
        for f in record.trace
    ]


async def build_cards(
    conn: Connection, settings: Settings, ids: list[int], sites: Collection[str] | None = None
) -> list[ModerationCard]:
    """Cards for ``ids``; the authors' figures cover ``sites`` (every site when None)."""
    if not ids:
        return []
    rows = {
        r.id: r
        for r in await conn.execute(
            select(
                comments,
                stories.c.site_id,
                stories.c.story_key,
                stories.c.title,
                stories.c.url,
                comment_checks.c.toxicity,
                comment_checks.c.flagged,
                comment_checks.c.trace,
                comment_checks.c.reviewed_at,
                accounts.c.display_name,
                accounts.c.role,
                accounts.c.status.label("account_status"),
            )
            .select_from(
                comments.join(stories, stories.c.id == comments.c.story_id)
                .outerjoin(comment_checks, comment_checks.c.comment_id == comments.c.id)
                .outerjoin(accounts, accounts.c.id == comments.c.account_id)
            )
            .where(comments.c.id.in_(ids))
        )
    }
    parent_ids = {r.parent_id for r in rows.values() if r.parent_id is not None}
    parents = (
        {
            p.id: p
            for p in await conn.execute(
                select(comments.c.id, comments.c.body_html, accounts.c.display_name)
                .select_from(comments.outerjoin(accounts, accounts.c.id == comments.c.account_id))
                .where(comments.c.id.in_(sorted(parent_ids)))
            )
        }
        if parent_ids
        else {}
    )
    stats = await author_counts(conn, {r.account_id for r in rows.values() if r.account_id}, sites)
    reasons: dict[int, list[str]] = defaultdict(list)
    notes: dict[int, list[str]] = defaultdict(list)
    for comment_id, reason, note in await conn.execute(
        select(comment_reports.c.comment_id, comment_reports.c.reason, comment_reports.c.note)
        .where(comment_reports.c.comment_id.in_(ids), comment_reports.c.resolved_at.is_(None))
        .order_by(comment_reports.c.id)
    ):
        reasons[comment_id].append(reason)
        if note and note.strip():
            notes[comment_id].append(note.strip())
    return [_card(rows[i], parents, stats, reasons, notes, settings) for i in ids if i in rows]


def _card(  # noqa: PLR0917 -- one row and the lookups built for the whole page
    row: Any,
    parents: dict[int, Any],
    stats: dict[int, dict[str, int]],
    reasons: dict[int, list[str]],
    notes: dict[int, list[str]],
    settings: Settings,
) -> ModerationCard:
    parent = parents.get(row.parent_id) if row.parent_id else None
    counts = stats.get(row.account_id, {}) if row.account_id else {}
    record_toxicity = row.toxicity
    if record_toxicity is None and row.trace is None:
        record = decode_record(row.moderation_detail)
        record_toxicity = record.toxicity if record else None
    return ModerationCard(
        id=row.id,
        site_id=row.site_id,
        story=CardStory(key=row.story_key, title=row.title, url=row.url),
        parent=ParentRef(id=parent.id, author=parent.display_name, body_html=parent.body_html)
        if parent is not None
        else None,
        author=AuthorCard(
            id=row.account_id,
            display_name=row.display_name,
            role=row.role,
            status=row.account_status,
            comments=sum(counts.values()),
            rejected=counts.get("rejected", 0),
            rejection_rate=rejection_rate(counts),
        ),
        body_html=row.body_html,
        status=row.status,
        phase=row.moderation_phase,
        reason=row.moderation_reason,
        findings=_findings(row),
        toxicity=record_toxicity,
        toxicity_band=band(record_toxicity, settings),
        flagged=bool(row.flagged),
        reports=len(reasons.get(row.id, [])),
        report_reasons=sorted(set(reasons.get(row.id, []))),
        report_notes=notes.get(row.id, []),
        featured=bool(row.featured),
        pinned=bool(row.pinned),
        reviewed=row.reviewed_at is not None,
        created_at=row.created_at,
        edited_at=row.edited_at,
    )
