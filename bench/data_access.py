"""(f) The data access of one page alone, in-process: CPU per page on SQLite and PostgreSQL.

    python bench/data_access.py [--pg URL] [--rounds N]

Reads the first page of the story ``mid-0`` (1,000 comments) of the benchmark database, with
its reply previews, through the one data path (``comments.reading``'s unit of work: compiled
statements, one hop), and a signed-in reader's overlay on the cached page. CPU from
``time.process_time`` (every thread of the process: SQLite's worker threads included).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import dataset  # noqa: E402 - after the path set-up


async def measure(url: str, rounds: int) -> dict[str, float]:
    from rejoinder.accounts.queries import viewer_for_token
    from rejoinder.app import create_runtime
    from rejoinder.comments.reading import Ask, _first_level, _overlay, _parts
    from rejoinder.settings import DatabaseSettings, Settings, SiteSettings

    settings = Settings(
        database=DatabaseSettings(url=url, pool_size=4),
        sites=[SiteSettings(id=dataset.SITE, name="Bench Gazette")],
    )
    runtime = create_runtime(settings)
    site = settings.site(dataset.SITE)
    assert site is not None
    ask = Ask(dataset.SITE, "mid-0", "newest", 20, None, settings.comments.replies_preview)
    viewer = await runtime.db.run_read(
        viewer_for_token, dataset.token(7), settings, runtime.clock.now()
    )
    assert viewer is not None

    async def page() -> Any:
        return await runtime.db.run_read(_first_level, ask)

    level = await page()
    parts = _parts(level, site, settings, "newest", runtime.clock.now())

    async def overlay() -> Any:
        return await runtime.db.run_read(_overlay, viewer.account_id, parts.story_id, parts.ids)

    out: dict[str, float] = {}
    for name, work in (("page", page), ("overlay", overlay)):
        for _ in range(50):
            await work()
        started = time.process_time()
        for _ in range(rounds):
            await work()
        out[name] = (time.process_time() - started) / rounds * 1e6
    await runtime.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    targets = {"SQLite": f"sqlite:///{dataset.ensure()}"}
    if not args.no_pg:
        targets["PostgreSQL"] = dataset.ensure_pg(args.pg)
    for name, url in targets.items():
        found = asyncio.run(measure(url, args.rounds))
        print(
            f"  {name:10} page data access {found['page']:6.0f} µs CPU   "
            f"signed-in overlay {found['overlay']:6.0f} µs CPU   (story of 1,000, 20 + 3)"
        )


if __name__ == "__main__":
    main()
