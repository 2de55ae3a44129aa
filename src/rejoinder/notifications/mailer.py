"""Sending mail: a ``Mailer`` Protocol, an SMTP backend and an in-process capture backend.

Which one runs is chosen once, in ``rejoinder.app.create_runtime``: SMTP when
``[mail] smtp_url`` is set, the capture otherwise (the demo shows what it caught).

Errors are sorted so that the worker knows what to do next::

    MailError
     ├── temporary (permanent=False): 4xx answers, a server that is down or hangs up,
     │   a timeout                                   → retried later, with back-off
     └── permanent (permanent=True): 5xx answers, an address that cannot be mailed
                                                     → given up, recorded on the mail
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage, Message
from email.utils import parseaddr
from typing import Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# RFC 5322 dot-atom local part (no leading, trailing or doubled dots) and a DNS host name:
# old Japanese carrier addresses such as ``a..b@docomo.ne.jp`` are refused here, not by a
# server halfway through a batch.
_ADDRESS = re.compile(rf"^{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})+$")
_ANY_ADDRESS = re.compile(r"[^\s<>@\"',;:]+@[^\s<>\"',;:]+")


def valid_address(address: str) -> bool:
    return len(address) <= 254 and _ADDRESS.fullmatch(address) is not None


def redact(text: str) -> str:
    """Server answers often quote the recipient: never store or log an address."""
    return _ANY_ADDRESS.sub("<address>", text)[:500]


class MailError(Exception):
    def __init__(self, message: str, *, permanent: bool, code: int | None = None) -> None:
        super().__init__(redact(message))
        self.permanent = permanent
        self.code = code


class Mailer(Protocol):
    """Hands one message for one recipient to a mail server.

    ``send`` returns only once the server has accepted the message (for SMTP: the answer to
    the end of DATA was 2xx); otherwise it raises :class:`MailError`.
    """

    async def send(self, message: Message, recipient: str) -> None: ...

    async def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Captured:
    number: int
    recipient: str
    message: EmailMessage
    at: datetime


class CaptureMailer:
    """Keeps the last ``keep`` messages in the process (the demo's mail page reads them)."""

    def __init__(self, keep: int = 200) -> None:
        self._mails: deque[Captured] = deque(maxlen=keep)
        self._count = 0

    async def send(self, message: Message, recipient: str) -> None:
        # Kept as a receiver would parse it (the demo page reads its parts).
        received = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
        assert isinstance(received, EmailMessage)
        self._count += 1
        self._mails.append(Captured(self._count, recipient, received, datetime.now(UTC)))

    async def close(self) -> None:
        return None

    @property
    def mails(self) -> list[Captured]:
        """Newest first."""
        return list(reversed(self._mails))

    def find(self, number: int) -> Captured | None:
        return next((m for m in self._mails if m.number == number), None)


@dataclass(frozen=True, slots=True)
class SmtpTarget:
    host: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool
    start_tls: bool | None  # None: when the server offers it


def parse_smtp_url(url: str) -> SmtpTarget:
    parts = urlsplit(url)
    scheme = parts.scheme
    use_tls = scheme == "smtps"
    start_tls: bool | None = True if scheme == "smtp+starttls" else None
    if use_tls:
        start_tls = False
    port = parts.port or (465 if use_tls else 587)
    return SmtpTarget(
        host=parts.hostname or "localhost",
        port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        use_tls=use_tls,
        start_tls=start_tls,
    )


class SmtpMailer:
    """SMTP through aiosmtplib, STARTTLS or TLS and credentials from the URL.

    Up to ``connections`` connections are kept open between mails (each re-opened when the
    server hung up); concurrent ``send`` calls use one each, so the worker's round trips
    overlap."""

    def __init__(self, url: str, *, timeout: float = 30.0, connections: int = 4) -> None:
        self._target = parse_smtp_url(url)
        self._timeout = timeout
        self._free: asyncio.Queue[_Connection] = asyncio.Queue()
        for _ in range(connections):
            self._free.put_nowait(_Connection(self._target, timeout))
        self.connections = connections

    async def send(self, message: Message, recipient: str) -> None:
        connection = await self._free.get()
        try:
            await connection.send(message, recipient)
        finally:
            self._free.put_nowait(connection)

    async def close(self) -> None:
        for _ in range(self.connections):
            connection = await self._free.get()
            await connection.reset()
            self._free.put_nowait(connection)


class _Connection:
    """One SMTP connection, opened when first needed and again after a failure."""

    def __init__(self, target: SmtpTarget, timeout: float) -> None:
        self._target = target
        self._timeout = timeout
        self._client: aiosmtplib.SMTP | None = None

    async def _connected(self) -> aiosmtplib.SMTP:
        if self._client is not None and self._client.is_connected:
            return self._client
        t = self._target
        client = aiosmtplib.SMTP(
            hostname=t.host,
            port=t.port,
            username=t.username,
            password=t.password,
            use_tls=t.use_tls,
            start_tls=t.start_tls,
            timeout=self._timeout,
        )
        await client.connect()
        self._client = client
        return client

    async def send(self, message: Message, recipient: str) -> None:
        try:
            client = await self._connected()
            # Flattened once, here (aiosmtplib's own flattening copies the policy per mail).
            sender = parseaddr(str(message["From"] or ""))[1]
            await client.sendmail(sender, [recipient], message.as_bytes())
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            code = codes[0] if codes else 550
            raise MailError(f"{code} recipient refused", permanent=code >= 500, code=code) from None
        except aiosmtplib.SMTPResponseException as exc:
            await self.reset()
            text = f"{exc.code} {exc.message}"
            raise MailError(text, permanent=exc.code >= 500, code=exc.code) from None
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            await self.reset()
            raise MailError(f"server unavailable: {type(exc).__name__}", permanent=False) from None

    async def reset(self) -> None:
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            try:
                await client.quit()
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                client.close()
