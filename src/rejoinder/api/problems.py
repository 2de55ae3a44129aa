"""Every error becomes an RFC 9457 problem+json document here, and only here.

A problem always has ``type``, ``title``, ``status``, ``code`` (stable, machine-readable) and
``detail`` (the human message); some add fields (``retry_after``, ``reason``, ``errors``).
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    NotFoundException,
    SerializationException,
    ValidationException,
)

from rejoinder.kernel.errors import RateLimited, RejoinderError

log = logging.getLogger(__name__)

PROBLEM_TYPE = "https://rejoinder.dev/problems/"
MEDIA_TYPE = "application/problem+json"

_HTTP_CODES = {
    400: "bad_request",
    401: "authentication_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "request_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def problem(
    status: int,
    code: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response[dict[str, Any]]:
    body = {
        "type": PROBLEM_TYPE + code,
        "title": code.replace("_", " ").capitalize(),
        "status": status,
        "code": code,
        "detail": detail,
        **extra,
    }
    return Response(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def on_rejoinder_error(_: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    assert isinstance(exc, RejoinderError)
    headers = None
    if isinstance(exc, RateLimited):
        headers = {"Retry-After": str(exc.retry_after)}
    return problem(exc.status, exc.code, exc.message, headers, **exc.extra)


def on_validation_error(_: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    assert isinstance(exc, ValidationException)
    detail = str(exc.detail or "")
    if "malformed" in detail.lower() or "json is" in detail.lower():
        return problem(400, "malformed_json", "The request body is not valid JSON.")
    errors = exc.extra if isinstance(exc.extra, list) else []
    safe = [
        {"message": str(e.get("message", "")), "key": str(e.get("key", ""))}
        for e in errors
        if isinstance(e, dict)
    ]
    return problem(
        422, "validation_failed", "The request does not have the expected shape.", errors=safe
    )


def on_http_error(_: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    code = _HTTP_CODES.get(status, "http_error")
    if isinstance(exc, NotFoundException):
        return problem(404, "not_found", "There is nothing at this address.")
    if status == 400 and isinstance(exc.__cause__, SerializationException):
        return problem(400, "malformed_json", "The request body is not valid JSON.")
    headers = dict(exc.headers or {})
    return problem(status, code, str(exc.detail), headers or None)


def on_recursion_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    """A JSON document nested past the decoder's depth is bad input, not our failure."""
    if "deserializ" in str(exc):
        return problem(400, "json_too_deep", "The request body nests too deeply.")
    return on_unexpected(request, exc)


def on_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "internal_error", "Something went wrong on our side; nothing was lost.")


EXCEPTION_HANDLERS = {
    RejoinderError: on_rejoinder_error,
    ValidationException: on_validation_error,
    HTTPException: on_http_error,
    RecursionError: on_recursion_error,
    Exception: on_unexpected,
}
