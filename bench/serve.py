"""Servers under test, one process each (``run.py`` starts them pinned to one core).

python bench/serve.py raw PORT BYTES_FILE        # raw ASGI: the same bytes, every time
python bench/serve.py rejoinder PORT DB_OR_URL [--no-cache] [--pass-through] [--redis URL]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def server_options() -> dict[str, Any]:
    """uvloop + httptools (Rejoinder depends on both), as ``rejoinder serve`` runs."""
    options: dict[str, Any] = {"access_log": False, "log_level": "warning", "lifespan": "on"}
    try:
        import httptools  # noqa: F401
        import uvloop  # noqa: F401
    except ImportError:
        return options
    return {**options, "loop": "uvloop", "http": "httptools"}


def raw_app(body: bytes) -> Any:
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-cache"),
    ]

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def rejoinder_app(
    db: str, *, cache: bool, pass_through: bool = False, redis: str | None = None
) -> Any:
    from rejoinder.app import create_app
    from rejoinder.settings import (
        CommentSettings,
        DatabaseSettings,
        ServerSettings,
        Settings,
        SiteSettings,
    )

    url = db if "://" in db else f"sqlite:///{db}"
    settings = Settings(
        database=DatabaseSettings(url=url, pool_size=8),
        server=ServerSettings(max_body_bytes=65536),
        comments=CommentSettings(
            cache_enabled=cache,
            rate_limit_count=10**9,
            ip_rate_limit_count=10**9,
            reaction_rate_limit_count=10**9,
        ),
        sites=[SiteSettings(id="bench", name="Bench Gazette", allowed_domains=["bench.test"])],
    )
    if redis is not None:
        from rejoinder.settings import RedisSettings

        settings.redis = RedisSettings(url=redis)
    app = create_app(settings)
    if pass_through:  # the comments domain alone, without the moderation checks
        from rejoinder.comments.decisions import PassThroughPipeline

        app.state.runtime.moderation = PassThroughPipeline()
    return app


def main() -> None:
    import gc

    import uvicorn

    kind, port = sys.argv[1], int(sys.argv[2])
    if kind == "raw":
        app = raw_app(Path(sys.argv[3]).read_bytes())
    else:
        redis = sys.argv[sys.argv.index("--redis") + 1] if "--redis" in sys.argv else None
        app = rejoinder_app(
            sys.argv[3],
            cache="--no-cache" not in sys.argv,
            pass_through="--pass-through" in sys.argv,
            redis=redis,
        )
    gc.freeze()  # start-up objects never need collecting (STACK.md: GC pauses)
    uvicorn.run(app, host="127.0.0.1", port=port, **server_options())


if __name__ == "__main__":
    main()
