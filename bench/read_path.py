"""The read path in-process: CPU per page for an uncached anonymous page, a cached one, and a
signed-in reader's page (cached page + overlay), on SQLite or PostgreSQL.

    python bench/read_path.py sqlite|postgresql

A story of 40 comments and 68 replies by five readers is written through the real actions
(``tests/factories.py``) into a fresh database; ``read_page`` is then called 500 times per
case. CPU from ``time.process_time`` (all threads). To compare with an older checkout, run the
same file with ``TESTS=<old>/tests PYTHONPATH=<old>/src`` (it imports whichever ``read_page``
the checkout has).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, os.environ.get("TESTS", str(ROOT / "tests")))

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


async def main(backend: str) -> None:
    import asyncpg

    import factories
    from conftest import RsaPair, make_settings
    from rejoinder.app import create_runtime
    from rejoinder.comments.cache import NullPageCache
    from rejoinder.storage.migrate import upgrade

    try:
        from rejoinder.comments.reading import read_page
    except ImportError:  # an older checkout
        from rejoinder.comments.pages import read_page  # type: ignore[no-redef]

    name = f"rejoinder_readpath_{uuid.uuid4().hex[:8]}"
    if backend == "sqlite":
        url = f"sqlite:///{tempfile.mkdtemp()}/read.sqlite3"
    else:
        admin = await asyncpg.connect(PG_ADMIN)
        await admin.execute(f'CREATE DATABASE "{name}"')
        await admin.close()
        url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    try:
        await asyncio.to_thread(upgrade, url)
        settings = make_settings(url, RsaPair())
        settings.comments.rate_limit_count = 10_000
        runtime = create_runtime(settings)
        story = await factories.make_story(runtime)
        readers = [await factories.make_reader(runtime) for _ in range(5)]
        roots = [
            (await factories.make_comment(runtime, readers[n % 5], story, f"comment **{n}** " * 5))[
                "id"
            ]
            for n in range(40)
        ]
        for n in range(68):
            await factories.make_comment(
                runtime, readers[n % 5], story, f"reply {n}", parent_id=roots[n % 20]
            )
        me = await factories.viewer(runtime, readers[0].account_id)

        async def once(viewer: Any) -> bytes:
            body: bytes = await read_page(
                runtime,
                "news",
                story,
                sort="newest",
                limit=None,
                cursor=None,
                url=None,
                title=None,
                viewer=viewer,
            )
            return body

        cache = runtime.cache
        cases = (("uncached anonymous", False, None), ("cached anonymous", True, None))
        for label, cached, viewer in (*cases, ("signed in (cached page)", True, me)):
            runtime.cache = cache if cached else NullPageCache()
            for _ in range(50):
                await once(viewer)
            started = time.process_time()
            for _ in range(500):
                await once(viewer)
            cpu = (time.process_time() - started) / 500 * 1e6
            print(f"  {backend:10} {label:24} {cpu:7.0f} µs CPU a page")
        closer = getattr(runtime, "close", None)
        await (closer() if closer else runtime.db.close())
    finally:
        if backend != "sqlite":
            admin = await asyncpg.connect(PG_ADMIN)
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "sqlite"))
