"""Mail bodies in the reader's language (English, Japanese): one notification or a digest.

Bodies are rendered when a mail is queued and stored with it; the headers (``To``, the
unsubscribe link) are added when it is sent, from the account as it is then.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import Compat32
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)

# The wording of every mail, per language (a JSON file: the translators' one place).
MESSAGES: dict[str, dict[str, str]] = json.loads(
    (Path(__file__).parent / "templates" / "messages.json").read_text(encoding="utf-8")
)


@dataclass(frozen=True, slots=True)
class Item:
    """What a mail says about one notification."""

    kind: str
    title: str
    permalink: str
    actor: str | None
    outcome: str | None
    reason: str | None


def line(item: Item, lang: str) -> str:
    m = MESSAGES.get(lang, MESSAGES["en"])
    key = item.outcome if item.kind == "moderation" and item.outcome else item.kind
    return m[key].format(
        actor=item.actor or m["someone"], title=item.title, reason=item.reason or "—"
    )


@dataclass(frozen=True, slots=True)
class Body:
    subject: str
    text: str
    html: str


def render(
    items: list[Item], lang: str, *, period: str | None, settings_url: str, unsubscribe_url: str
) -> Body:
    """One notification (``period`` None) or a digest (``daily``/``weekly``)."""
    lang = lang if lang in MESSAGES else "en"
    m = MESSAGES[lang]
    lines = [(line(item, lang), item.permalink) for item in items]
    subject = m[period].format(count=len(items)) if period else lines[0][0]
    context = {
        "lang": lang,
        "m": m,
        "subject": subject,
        "lines": lines,
        "settings_url": settings_url,
        "unsubscribe_url": unsubscribe_url,
    }
    return Body(
        subject=subject[:200],
        text=_env.get_template("mail.txt").render(context),
        html=_env.get_template("mail.html").render(context),
    )


def letter(lang: str, subject: str, text: str) -> Body:
    """A plain letter (takedown answers, reminders): its text, and the same in HTML."""
    paragraphs = [part.split("\n") for part in text.split("\n\n") if part.strip()]
    context = {"lang": lang, "subject": subject, "paragraphs": paragraphs}
    return Body(
        subject=subject[:200], text=text, html=_env.get_template("letter.html").render(context)
    )


@dataclass(frozen=True, slots=True)
class Envelope:
    from_address: str
    reply_to: str
    message_id: str
    unsubscribe_url: str | None  # None: a reply to someone's own request, not a subscription
    date: datetime
    unsubscribe_mailto: str = ""  # RFC 2369's mail alternative, offered after the link


class _Policy(Compat32):
    """compat32, with headers never folded inside a value (a folded ``List-Unsubscribe``
    URL breaks; RFC 5322 allows lines of 998 characters), and a short plain ASCII header
    written as it is: ``Header.encode``, which compat32 runs on every header to decide that
    nothing needs encoding or folding, was a third of a mail's CPU time."""

    def _plain(self, name: str, value: Any) -> str | None:
        if (
            isinstance(value, str)
            and value.isascii()
            and "\r" not in value
            and "\n" not in value
            and len(name) + len(value) + 2 <= (self.max_line_length or 78)
        ):
            return f"{name}: {value}{self.linesep}"
        return None

    def fold(self, name: str, value: Any) -> str:
        plain = self._plain(name, value)
        return super().fold(name, value) if plain is None else plain

    def fold_binary(self, name: str, value: Any) -> bytes:
        plain = self._plain(name, value)
        return super().fold_binary(name, value) if plain is None else plain.encode("ascii")


POLICY = _Policy(max_line_length=998)


def _address(value: str) -> str:
    name, address = parseaddr(value)
    return formataddr((name, address), charset="utf-8") if name else address


def message(body: Body, recipient: str, envelope: Envelope) -> Message:
    """The MIME message: text and HTML alternatives and the RFC 8058 one-click headers.

    Built with the classic ``email.mime`` classes: the header registry of ``EmailMessage``
    cost about ten times as much per mail, most of a digest run's CPU.
    """
    # A boundary of our own: the generator's would compile a regular expression per mail to
    # check that it is not in the text. ``_`` is not in base64, which both parts are sent in.
    mail = MIMEMultipart("alternative", boundary=f"=_{secrets.token_hex(16)}", policy=POLICY)
    mail["From"] = _address(envelope.from_address)
    mail["To"] = recipient
    if envelope.reply_to:
        mail["Reply-To"] = _address(envelope.reply_to)
    # A Header object is what compat32 encodes (RFC 2047) for a non-ASCII subject.
    subject: Any = body.subject if body.subject.isascii() else Header(body.subject, "utf-8")
    mail["Subject"] = subject
    mail["Date"] = format_datetime(envelope.date)
    mail["Message-ID"] = envelope.message_id
    if envelope.unsubscribe_url:  # none on a letter answering someone's own request
        # The HTTPS link first: RFC 8058 one-click uses it; the mailto is the older fallback.
        offered = [envelope.unsubscribe_url, envelope.unsubscribe_mailto]
        mail["List-Unsubscribe"] = ", ".join(f"<{uri}>" for uri in offered if uri)
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail["Auto-Submitted"] = "auto-generated"
    mail["MIME-Version"] = "1.0"
    mail.attach(MIMEText(body.text, "plain", "utf-8", policy=POLICY))
    mail.attach(MIMEText(body.html, "html", "utf-8", policy=POLICY))
    return mail
