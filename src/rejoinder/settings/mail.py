"""Settings of the mail readers get: notifications and digests over SMTP."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, Struct


class MailSettings(Struct, kw_only=True, forbid_unknown_fields=True):
    smtp_url: Annotated[
        str,
        Meta(
            description="The SMTP server mail goes through: `smtp://host:587` (STARTTLS when "
            "the server offers it), `smtp+starttls://host:587` (STARTTLS required) or "
            "`smtps://host:465` (TLS from the first byte); credentials as "
            "`smtp://user:password@host:587`. Empty: mail is kept in the process and never "
            "leaves it (the demo shows it at `/demo/mail`)."
        ),
    ] = ""
    from_address: Annotated[
        str, Meta(description="The `From` of every mail, e.g. `Daily Planet <news@example.com>`.")
    ] = "Rejoinder <notifications@localhost>"
    reply_to: Annotated[str, Meta(description="The `Reply-To` of every mail (empty: none).")] = ""
    secret: Annotated[
        str,
        Meta(
            description="Signs the unsubscribe links (at least 32 bytes; required with "
            "`smtp_url`). Changing it breaks every unsubscribe link already sent."
        ),
    ] = ""
    unsubscribe_mailto: Annotated[
        str,
        Meta(
            pattern=r"^([^@\s<>?,]+@[^@\s<>?,]+)?$",
            description="An address for unsubscribing by mail (RFC 2369), offered in "
            "`List-Unsubscribe` after the one-click link: a mail to it has the subject "
            "`unsubscribe <token>`. Empty: none. Set it only if something reads that mailbox "
            "and hands each subject to `rejoinder mail-unsubscribe`.",
        ),
    ] = ""
    unsubscribe_days: Annotated[
        int,
        Meta(ge=30, le=3650, description="How long an unsubscribe link keeps working."),
    ] = 400
    poll_seconds: Annotated[
        float,
        Meta(
            ge=0.05,
            le=600,
            description="How often the mail worker looks for due mail and digests (it is "
            "also woken when a notification queues a mail in this process).",
        ),
    ] = 5.0
    connections: Annotated[
        int,
        Meta(
            ge=1,
            le=32,
            description="SMTP connections one worker keeps open and sends over at once.",
        ),
    ] = 4
    batch: Annotated[int, Meta(ge=1, le=1000, description="Mails one worker claims at a time.")] = (
        50
    )
    max_attempts: Annotated[
        int,
        Meta(
            ge=1,
            le=50,
            description="Attempts at a mail the server answers with a temporary (4xx) error "
            "before it is given up.",
        ),
    ] = 8
    timeout_seconds: Annotated[
        float, Meta(ge=1, le=300, description="SMTP connection and command timeout.")
    ] = 30.0
    worker: Annotated[
        Literal["on", "off"],
        Meta(
            description="`on`: every serving process makes notifications from the event log "
            "and runs a mail worker (on PostgreSQL several may run; they claim with `FOR "
            "UPDATE SKIP LOCKED`). `off`: serving processes do neither; run "
            "`rejoinder mail-worker` (one or more) for both, apart from the posting path."
        ),
    ] = "on"
