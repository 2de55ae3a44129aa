"""Isso 0.14 from PyPI, the Python peer: its own virtualenv, config and threads.

Isso is installed into ``bench/data/isso-venv`` (it has its own dependencies) and run as
shipped (``isso -c isso.cfg run``: werkzeug's threaded server). Its threads get the same sizes
as ours (10, 1,000, 100,000 comments, a third of them replies), written straight into its
SQLite database after Isso created the schema: one database per size, because Isso has no
index on a comment's thread and every read scans the whole comments table. Its rate limit
("guard") is off so that the benchmark measures serving, not throttling (STACK.md: it counts
per /24 network).
"""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from dataset import DATA, WORDS

VENV = DATA / "isso-venv"
ISSO = VENV / "bin" / "isso"
VERSION = "isso==0.14.0"
SIZES = {"small": 10, "mid": 1_000, "big": 100_000}


def install() -> None:
    if ISSO.exists():
        return
    print(f"  installing {VERSION} into {VENV.relative_to(DATA.parent.parent)} (once)")
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(VENV / "bin" / "pip"), "install", "--quiet", VERSION], check=True)


def home(size_class: str) -> Path:
    return DATA / f"isso-{size_class}"


def config(size_class: str, port: int) -> Path:
    home(size_class).mkdir(parents=True, exist_ok=True)
    path = home(size_class) / "isso.cfg"
    path.write_text(
        "[general]\n"
        f"dbpath = {home(size_class) / 'comments.db'}\n"
        f"host = http://127.0.0.1:{port}/\n"
        "[server]\n"
        f"listen = http://127.0.0.1:{port}/\n"
        "[moderation]\n"
        "enabled = false\n"
        "[guard]\n"
        "enabled = false\n"
    )
    return path


def command(size_class: str, port: int) -> list[str]:
    return [str(ISSO), "-c", str(config(size_class, port)), "run"]


def uri(size_class: str) -> str:
    return f"/{size_class}-0"


def populate(size_class: str) -> None:
    """The thread of this size, once (Isso must have created its schema first)."""
    conn = sqlite3.connect(home(size_class) / "comments.db")
    if conn.execute("SELECT count(*) FROM threads").fetchone()[0]:
        conn.close()
        return
    rng = random.Random(7)
    comment_id = 0
    clock = time.time() - 10**7
    for thread_id, (name, size) in enumerate([(size_class, SIZES[size_class])], start=1):
        conn.execute(
            "INSERT INTO threads (id, uri, title) VALUES (?, ?, ?)",
            (thread_id, uri(name), f"Story {name}"),
        )
        roots: list[int] = []
        rows = []
        for _ in range(size):
            comment_id += 1
            clock += rng.random() * 2
            parent = rng.choice(roots) if roots and rng.random() < 0.33 else None
            if parent is None:
                roots.append(comment_id)
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 40))) + "."
            rows.append(
                (
                    thread_id,
                    comment_id,
                    parent,
                    clock,
                    None,
                    1,
                    "127.0.0.0",
                    text,
                    f"Reader {rng.randint(1, 2000)}",
                    None,
                    None,
                    0,
                    0,
                    b"",
                    0,
                )
            )
        conn.executemany(
            "INSERT INTO comments (tid, id, parent, created, modified, mode, remote_addr, text, "
            "author, email, website, likes, dislikes, voters, notification) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    conn.commit()
    conn.close()
