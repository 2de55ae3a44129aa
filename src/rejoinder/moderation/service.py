"""The moderation desk's actions, as the API calls them: authorise (role and site scope, on
the server, every time), then act. Each function is one use case of the desk."""

from __future__ import annotations

from collections.abc import AsyncIterator

from rejoinder.accounts.viewer import Viewer
from rejoinder.kernel.errors import Invalid, NotFound
from rejoinder.moderation import audit, queries
from rejoinder.moderation.access import Scope, require_admin, scope_for
from rejoinder.moderation.actions import comments as comment_actions
from rejoinder.moderation.actions import readers
from rejoinder.moderation.cards import build_cards
from rejoinder.moderation.history import reader_history
from rejoinder.moderation.schemas import (
    AuditEntry,
    BulkActionInput,
    BulkResult,
    CommentActionInput,
    DeskConfig,
    ModerationCard,
    QueueCounts,
    QueueFilter,
    QueuePage,
    ReaderHistory,
    SanctionInput,
)
from rejoinder.runtime import Runtime


async def scope(runtime: Runtime, me: Viewer) -> Scope:
    async with runtime.db.read() as conn:
        return await scope_for(conn, me)


def _site_ids(runtime: Runtime) -> list[str]:
    return [s.id for s in runtime.settings.sites]


async def desk_config(runtime: Runtime, me: Viewer) -> DeskConfig:
    mine = await scope(runtime, me)
    rules = runtime.settings.moderation
    return DeskConfig(
        account_id=me.account_id,
        display_name=me.display_name,
        is_admin=mine.is_admin,
        sites=mine.visible_sites(_site_ids(runtime)),
        rejection_reasons=list(rules.rejection_reasons),
        report_threshold=rules.report_threshold,
        toxicity_threshold=rules.toxicity_threshold,
        toxicity_maybe=rules.toxicity_maybe,
        phases=[phase.name for phase in getattr(runtime.moderation, "phases", [])],
    )


async def queue_counts(runtime: Runtime, me: Viewer, site: str | None) -> QueueCounts:
    async with runtime.db.read() as conn:
        mine = await scope_for(conn, me)
        return await queries.counts(conn, mine, runtime.settings, site)


async def queue(
    runtime: Runtime, me: Viewer, flt: QueueFilter, *, sort: str, offset: int, limit: int
) -> QueuePage:
    async with runtime.db.read() as conn:
        mine = await scope_for(conn, me)
        total, items = await queries.queue_page(
            conn, mine, runtime.settings, flt, sort=sort, offset=offset, limit=limit
        )
    return QueuePage(queue=flt.queue, total=total, items=items, offset=offset, limit=limit)


async def comment_card(runtime: Runtime, me: Viewer, comment_id: int) -> ModerationCard:
    async with runtime.db.read() as conn:
        mine = await scope_for(conn, me)
        cards = await build_cards(conn, runtime.settings, [comment_id], mine.sites_or_all)
    if not cards or cards[0].status == "deleted":
        raise NotFound("There is no such comment.", code="comment_not_found")
    mine.check(cards[0].site_id)
    return cards[0]


async def act_on_comment(
    runtime: Runtime, me: Viewer, comment_id: int, data: CommentActionInput
) -> BulkResult:
    mine = await scope(runtime, me)
    return await comment_actions.apply_to(
        runtime, mine, [comment_id], data.action, reason=data.reason, note=data.note
    )


async def bulk(runtime: Runtime, me: Viewer, data: BulkActionInput) -> BulkResult:
    """A selection (``comment_ids``) or everything matching ``filter`` (up to 1,000)."""
    if (data.comment_ids is None) == (data.filter is None):
        raise Invalid("Give either comment_ids or filter.", code="selection_required")
    comment_actions.check_reason(runtime, data.action, data.reason)
    async with runtime.db.read() as conn:
        mine = await scope_for(conn, me)
        ids = data.comment_ids or await queries.matching_ids(
            conn,
            mine,
            runtime.settings,
            data.filter or QueueFilter(),
            comment_actions.MAX_BY_FILTER,
        )
    if not ids:
        return BulkResult(changed=[], unchanged=[])
    return await comment_actions.apply_to(
        runtime, mine, ids, data.action, reason=data.reason, note=data.note
    )


async def history(runtime: Runtime, me: Viewer, account_id: int) -> ReaderHistory:
    async with runtime.db.read() as conn:
        mine = await scope_for(conn, me)
        return await reader_history(conn, mine, runtime.settings, account_id, runtime.clock.now())


async def sanction(runtime: Runtime, me: Viewer, account_id: int, data: SanctionInput) -> int:
    return await readers.sanction(runtime, await scope(runtime, me), account_id, data)


async def lift_sanction(runtime: Runtime, me: Viewer, sanction_id: int) -> None:
    await readers.lift(runtime, await scope(runtime, me), sanction_id)


async def add_note(runtime: Runtime, me: Viewer, account_id: int, body: str) -> int:
    return await readers.add_note(runtime, await scope(runtime, me), account_id, body)


async def set_moderator_site(
    runtime: Runtime, me: Viewer, account_id: int, site_id: str, *, granted: bool
) -> None:
    require_admin(me)
    await readers.set_scope(runtime, await scope(runtime, me), account_id, site_id, granted=granted)


async def audit_entries(
    runtime: Runtime,
    me: Viewer,
    *,
    comment_id: int | None,
    account_id: int | None,
    before_id: int | None,
    limit: int,
) -> list[AuditEntry]:
    async with runtime.db.read() as conn:
        mine = await scope_for(conn, me)
        return await audit.entries(
            conn,
            mine,
            _site_ids(runtime),
            comment_id=comment_id,
            account_id=account_id,
            before_id=before_id,
            limit=limit,
        )


async def audit_export(runtime: Runtime, me: Viewer, fmt: str) -> AsyncIterator[bytes]:
    mine = await scope(runtime, me)

    async def stream() -> AsyncIterator[bytes]:
        async with runtime.db.read() as conn:
            async for chunk in audit.export(conn, mine, _site_ids(runtime), fmt):
                yield chunk

    return stream()
