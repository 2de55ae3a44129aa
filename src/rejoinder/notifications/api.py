"""HTTP handlers: my notifications, marking them read, my notification settings, and the
unsubscribe page that mail links to (no sign-in: the signed token is the proof)."""

from __future__ import annotations

from html import escape
from typing import Annotated

from litestar import MediaType, Response, get, post, put
from litestar.params import JSONBody, QueryParameter

from rejoinder.accounts.dependencies import CurrentViewer
from rejoinder.api.dependencies import RuntimeDep
from rejoinder.kernel.bounds import END
from rejoinder.notifications import preferences, queries, service
from rejoinder.notifications.schemas import (
    MarkRead,
    NotificationSettings,
    NotificationSettingsUpdate,
    NotificationsPage,
    UnreadCount,
)

READER: list[dict[str, list[str]]] = [{"reader": []}]


@get("/api/v1/me/notifications", tags=["notifications"], security=READER)
async def list_notifications(
    me: CurrentViewer,
    runtime: RuntimeDep,
    cursor: Annotated[
        str | None, QueryParameter(max_length=18, pattern=r"^[0-9]{1,18}" + END)
    ] = None,
) -> NotificationsPage:
    """My notifications, newest first, with the unread count."""
    async with runtime.db.read() as conn:
        return await queries.page(conn, me.account_id, int(cursor) if cursor else None)


@post("/api/v1/me/notifications/read", tags=["notifications"], security=READER, status_code=200)
async def read_notifications(
    data: JSONBody[MarkRead], me: CurrentViewer, runtime: RuntimeDep
) -> UnreadCount:
    """Mark some of my notifications (``ids``) or all of them (``all: true``) read."""
    return await service.mark_read(runtime, me, data)


@get("/api/v1/me/notification-settings", tags=["notifications"], security=READER)
async def get_settings(me: CurrentViewer, runtime: RuntimeDep) -> NotificationSettings:
    """My notification settings (defaults until I save them)."""
    async with runtime.db.read() as conn:
        return await preferences.read(conn, me.account_id)


@put("/api/v1/me/notification-settings", tags=["notifications"], security=READER)
async def put_settings(
    data: JSONBody[NotificationSettingsUpdate], me: CurrentViewer, runtime: RuntimeDep
) -> NotificationSettings:
    """Save my notification settings: each kind on or off, mail, time zone, language."""
    return await service.save_settings(runtime, me, data)


Token = Annotated[
    str,
    QueryParameter(max_length=100, pattern=r"^[0-9]{1,19}\.[0-9]{1,9}\.[A-Za-z0-9_-]{1,40}" + END),
]
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    "Referrer-Policy": "no-referrer",
}


def _page(title: str, text: str, form: str = "", status: int = 200) -> Response[str]:
    html = (
        '<!doctype html><html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title></head>"
        '<body style="font-family: sans-serif; max-width: 32em; margin: 3em auto">'
        f"<h1>{escape(title)}</h1><p>{escape(text)}</p>{form}</body></html>"
    )
    return Response(html, media_type=MediaType.HTML, status_code=status, headers=PAGE_HEADERS)


def _invalid() -> Response[str]:
    return _page(
        "This link does not work",
        "The unsubscribe link is damaged or too old. Change your mail settings on your "
        "account page instead.",
        status=400,
    )


@get("/mail/unsubscribe", include_in_schema=False)
async def unsubscribe_page(runtime: RuntimeDep, token: Token) -> Response[str]:
    """Asks first: link checkers and mail scanners open links, they do not post forms."""
    if not service.token_is_valid(runtime, token):
        return _invalid()
    form = (
        f'<form method="post" action="/mail/unsubscribe?token={escape(token)}">'
        '<button type="submit">Unsubscribe</button></form>'
    )
    return _page("Stop notification mail?", "You will get no more mail from us.", form)


@post("/mail/unsubscribe", include_in_schema=False, status_code=200)
async def unsubscribe_now(runtime: RuntimeDep, token: Token) -> Response[str]:
    """RFC 8058 one-click (the mail client posts ``List-Unsubscribe=One-Click``) and the
    confirm page's button alike: mail stops at once."""
    if not await service.unsubscribe(runtime, token):
        return _invalid()
    return _page("You are unsubscribed", "You will get no more notification mail.")


ROUTES = [
    list_notifications,
    read_notifications,
    get_settings,
    put_settings,
    unsubscribe_page,
    unsubscribe_now,
]
