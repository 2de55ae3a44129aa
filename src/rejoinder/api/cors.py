"""Cross-origin access for the widget: publishers' pages call the API from their own origin.

Only origins on a configured site's ``allowed_domains`` (http or https, any port) may call it.
Credentials are bearer tokens in a header, never cookies, so no credentialed CORS is needed.
"""

from __future__ import annotations

import re

from litestar.config.cors import CORSConfig

from rejoinder.settings import Settings


def cors_config(settings: Settings) -> CORSConfig | None:
    domains = sorted({d.lower() for site in settings.sites for d in site.allowed_domains})
    if not domains:
        return None
    hosts = "|".join(re.escape(domain) for domain in domains)
    return CORSConfig(
        allow_origins=[],
        allow_origin_regex=rf"https?://({hosts})(:\d{{1,5}})?",
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID"],
        expose_headers=["Retry-After", "Idempotent-Replayed"],
        allow_credentials=False,
        max_age=600,
    )
