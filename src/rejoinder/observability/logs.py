"""Structured logs: JSON lines (or readable text) with the request id, and nothing secret.

Every record goes through ``Redactor`` on the way out, whoever logged it (Rejoinder, uvicorn,
SQLAlchemy's echo, a traceback): e-mail addresses, bearer tokens, JWTs, ``token=`` style
query values and the configured secrets themselves are replaced before the line is written.
That is the one place to get it right, rather than trusting every call site.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from rejoinder.settings import Settings

request_id: ContextVar[str | None] = ContextVar("rejoinder_request_id", default=None)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_JWT = re.compile(r"\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*")
_HASH = re.compile(r"\$argon2\w*\$[^\s'\",)]+")
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[\w.~+/=-]+")
_SECRET_PARAM = re.compile(
    r"(?i)\b(token|access_token|refresh_token|password|secret|api_key|key|signature)"
    r"([\"']?\s*[=:]\s*[\"']?)([^\s&\"',;]+)"
)
# Attributes every LogRecord has; anything else was passed in ``extra`` and is logged as a field.
_STANDARD = frozenset(
    logging.LogRecord("", 0, "", 0, "", (), None).__dict__.keys()
    | {"message", "asctime", "color_message"}  # uvicorn's coloured copy of the message
)


class Redactor:
    """Scrub personal data and credentials out of one string."""

    def __init__(self, secrets: list[str]) -> None:
        # Longest first, so a secret containing another is replaced whole.
        self.secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, "[secret]")
        text = _HASH.sub("[hash]", text)
        text = _JWT.sub("[token]", text)
        text = _BEARER.sub(r"\1 [token]", text)
        text = _SECRET_PARAM.sub(r"\1\2[redacted]", text)
        return _EMAIL.sub("[email]", text)


def configured_secrets(settings: Settings) -> list[str]:
    """Every credential in the settings: they must never reach a log line, even by accident."""
    found = [key.secret for key in settings.sso.keys if key.secret]
    found += list(settings.accounts.admin_api_keys)
    return found


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extra fields."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": self.redact(record.getMessage()),
            "request_id": getattr(record, "request_id", None) or request_id.get(),
        }
        for name, value in record.__dict__.items():
            if name not in _STANDARD and name != "request_id":
                line[name] = (
                    value if isinstance(value, int | float | bool) else self.redact(str(value))
                )
        if record.exc_info:
            line["exception"] = self.redact(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """Readable lines for a terminal, redacted the same way."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        if not getattr(record, "request_id", None):
            record.request_id = request_id.get() or "-"
        extra = {k: v for k, v in record.__dict__.items() if k not in _STANDARD}
        extra.pop("request_id", None)
        text = super().format(record)
        if extra:
            text += " " + " ".join(f"{k}={v}" for k, v in extra.items())
        return self.redact(text)


def formatter_for(settings: Settings) -> logging.Formatter:
    redact = Redactor(configured_secrets(settings))
    if settings.logging.format == "json":
        return JsonFormatter(redact)
    return TextFormatter(redact)


def configure_logging(settings: Settings, stream: Any = None) -> logging.Handler:
    """Send every logger (ours, uvicorn's, SQLAlchemy's) through one redacting handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter_for(settings))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.logging.level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    return handler
