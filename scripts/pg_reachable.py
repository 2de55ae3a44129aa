"""Exit 0 when the PostgreSQL server at the given URL accepts a connection."""

from __future__ import annotations

import asyncio
import sys

import asyncpg


async def main(url: str) -> int:
    try:
        conn = await asyncpg.connect(url, timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return 1
    await conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1])))
