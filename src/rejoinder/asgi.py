"""Entry point for ASGI servers: ``uvicorn --factory rejoinder.asgi:app``.

Reads the settings from ``REJOINDER_CONFIG`` and ``REJOINDER_*`` environment variables, and
sends every log line (uvicorn's too) through Rejoinder's formatter; run uvicorn with
``--no-access-log``, as Rejoinder writes its own access line.
"""

from __future__ import annotations

from litestar import Litestar

from rejoinder.app import create_app
from rejoinder.observability.logs import configure_logging
from rejoinder.settings import load_settings


def app() -> Litestar:
    settings = load_settings()
    configure_logging(settings)
    return create_app(settings)
