"""Settings for operators: metrics, logs and response compression."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, Struct, field


def _local_only() -> list[str]:
    return ["127.0.0.1/32", "::1/128"]


class MetricsSettings(Struct, kw_only=True, forbid_unknown_fields=True):
    enabled: Annotated[bool, Meta(description="Serve Prometheus metrics at `path`.")] = True
    path: Annotated[
        str,
        Meta(
            pattern=r"^/[A-Za-z0-9/_.-]*$",
            description="Where Prometheus scrapes, on the app's own port.",
        ),
    ] = "/metrics"
    allow_from: Annotated[
        list[str],
        Meta(
            description="Client addresses and CIDR ranges allowed to scrape (others get 404). "
            "The default is this machine only, so the path is not public; add your "
            "Prometheus server's address. Behind a proxy this is the proxy-resolved client "
            "address, so the public never matches a local address."
        ),
    ] = field(default_factory=_local_only)
    multiprocess_dir: Annotated[
        str,
        Meta(
            description="A directory shared by every app process on this machine (Prometheus "
            "multiprocess mode): set it whenever several processes serve, so that one scrape "
            "sums them all. Empty it before the processes start (it holds their counters)."
        ),
    ] = ""


class LoggingSettings(Struct, kw_only=True, forbid_unknown_fields=True):
    format: Annotated[
        Literal["json", "text"],
        Meta(
            description="`json`: one JSON object per line, for log collectors; `text`: "
            "readable lines for a terminal. Both carry the request id."
        ),
    ] = "json"
    level: Annotated[
        Literal["DEBUG", "INFO", "WARNING", "ERROR"], Meta(description="Lowest level logged.")
    ] = "INFO"
    access_log: Annotated[
        bool, Meta(description="One line per HTTP request (method, route, status, duration).")
    ] = True
    access_log_cache_hits: Annotated[
        bool,
        Meta(
            description="Also log the cached first pages served before routing (thousands a "
            "second on a busy story; the line costs more than the hit). They are counted in "
            "the metrics either way, and a proxy in front usually logs them already."
        ),
    ] = False


class CompressionSettings(Struct, kw_only=True, forbid_unknown_fields=True):
    enabled: Annotated[
        bool,
        Meta(
            description="Compress API responses (brotli, else gzip) when the client accepts "
            "it. Static files are always served precompressed when accepted."
        ),
    ] = True
    minimum_bytes: Annotated[
        int, Meta(ge=1, description="Smaller responses are sent as they are.")
    ] = 512
