"""Entry point for ASGI servers: ``uvicorn --factory rejoinder.asgi:app``.

Reads the settings from ``REJOINDER_CONFIG`` and ``REJOINDER_*`` environment variables.
"""

from __future__ import annotations

from litestar import Litestar

from rejoinder.app import create_app
from rejoinder.settings import load_settings


def app() -> Litestar:
    return create_app(load_settings())
