"""Mail bodies in the reader's language (English, Japanese): one notification or a digest.

Bodies are rendered when a mail is queued and stored with it; the headers (``To``, the
unsubscribe link) are added when it is sent, from the account as it is then.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
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


# Headers are never folded inside a value (a folded ``List-Unsubscribe`` URL breaks); RFC
# 5322 allows lines of 998 characters.
POLICY = compat32.clone(max_line_length=998)


def _address(value: str) -> str:
    name, address = parseaddr(value)
    return formataddr((name, address), charset="utf-8") if name else address


def message(body: Body, recipient: str, envelope: Envelope) -> Message:
    """The MIME message: text and HTML alternatives and the RFC 8058 one-click headers.

    Built with the classic ``email.mime`` classes: the header registry of ``EmailMessage``
    cost about ten times as much per mail, most of a digest run's CPU.
    """
    mail = MIMEMultipart("alternative", policy=POLICY)
    mail["From"] = _address(envelope.from_address)
    mail["To"] = recipient
    if envelope.reply_to:
        mail["Reply-To"] = _address(envelope.reply_to)
    # A Header object is what compat32 encodes (RFC 2047) for a non-ASCII subject.
    subject: Any = body.subject if body.subject.isascii() else Header(body.subject, "utf-8")
    mail["Subject"] = subject
    mail["Date"] = format_datetime(envelope.date)
    mail["Message-ID"] = envelope.message_id
    if envelope.unsubscribe_url:
        mail["List-Unsubscribe"] = f"<{envelope.unsubscribe_url}>"
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail["Auto-Submitted"] = "auto-generated"
    mail["MIME-Version"] = "1.0"
    mail.attach(MIMEText(body.text, "plain", "utf-8", policy=POLICY))
    mail.attach(MIMEText(body.html, "html", "utf-8", policy=POLICY))
    return mail
