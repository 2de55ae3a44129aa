"""JSON bodies are decoded strictly against the handler's input type before Litestar reads them.

Litestar's own conversion is lax on purpose (query strings arrive as text), which lets a body
say ``{"reply_notifications": 0}`` for a boolean or ``"5"`` for an id. Decoding the raw bytes
with msgspec against the declared type, before Litestar parses anything, gives every JSON body
the same rules as the OpenAPI document: exact types, no unknown fields (the input structs
forbid them), no ``NaN``. A body nested past the decoder's depth is a 400 (``json_too_deep``)
whatever its shape; :func:`rejoinder.api.problems.on_recursion_error` is the backstop elsewhere.

Errors surface as Litestar's ``ValidationException`` and are mapped, like every other error,
in ``rejoinder.api.problems``: 400 ``malformed_json``, 400 ``json_too_deep`` or 422
``validation_failed`` naming the field.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ValidationException

from rejoinder.kernel.errors import RejoinderError

_AT = re.compile(r" - at `\$\.?([^`]*)`$")


def _body_type(request: Request[Any, Any, Any]) -> Any | None:
    field = request.route_handler.parsed_fn_signature.parameters.get("data")
    return None if field is None else field.annotation


def too_deep() -> RejoinderError:
    return RejoinderError("The request body nests too deeply.", code="json_too_deep")


def _refuse_if_too_deep(raw: bytes) -> None:
    """A wrong shape may hide a body too deep to read at all: that one is a 400, like the
    other unreadable bodies. Only run on the error path, so valid bodies are decoded once."""
    try:
        msgspec.json.decode(raw)
    except RecursionError:
        raise too_deep() from None
    except msgspec.DecodeError:
        raise ValidationException("Malformed JSON body.") from None


async def decode_body_strictly(request: Request[Any, Any, Any]) -> None:
    """Litestar ``before_request`` hook: refuse a body that does not match the input type."""
    target = _body_type(request)
    if target is None:
        return
    raw = await request.body()
    try:
        msgspec.json.decode(raw, type=target, strict=True)
    except msgspec.ValidationError as exc:
        _refuse_if_too_deep(raw)
        message = str(exc)
        match = _AT.search(message)
        key = match[1] if match else ""
        raise ValidationException(
            "The request does not have the expected shape.",
            extra=[{"message": _AT.sub("", message), "key": key, "source": "body"}],
        ) from None
    except msgspec.DecodeError:
        raise ValidationException("Malformed JSON body.") from None
    except RecursionError:
        raise too_deep() from None
