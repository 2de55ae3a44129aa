"""The Prometheus scrape, on a path only the configured addresses may reach."""

from __future__ import annotations

import ipaddress
from typing import Any

from litestar import Request, Response, get
from litestar.handlers import HTTPRouteHandler

from rejoinder.kernel.errors import NotFound
from rejoinder.observability.metrics import Metrics
from rejoinder.settings import MetricsSettings


def _allowed(settings: MetricsSettings) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(entry, strict=False) for entry in settings.allow_from]


def metrics_route(settings: MetricsSettings, metrics: Metrics) -> HTTPRouteHandler:
    """The scrape at ``settings.path``, answered only to ``settings.allow_from`` (else 404)."""
    networks = _allowed(settings)

    def scrape(request: Request[Any, Any, Any]) -> Response[bytes]:
        host = request.client.host if request.client else ""
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            address = None
        if address is None or not any(address in net for net in networks):
            raise NotFound("Not found.", code="not_found")
        return Response(metrics.scrape(), media_type=metrics.content_type)

    return get(
        settings.path,
        include_in_schema=False,
        sync_to_thread=False,
    )(scrape)
