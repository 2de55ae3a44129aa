"""Starting servers pinned to one core, waiting for them, and measuring them with wrk."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import load
from load import Result

PIDS: dict[str, int] = {}


def measure(name: str, base: str, script: Path, **options: Any) -> Result:
    return load.run(name, base, script, pid=PIDS.get(base), **options)


def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                if response.status < 500:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextmanager
def server(args: list[str], ready_path: str, port: int) -> Iterator[str]:
    process = subprocess.Popen(
        ["taskset", "-c", load.SERVER_CPU, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    PIDS[base] = process.pid  # taskset execs the server: this is the server's own pid
    try:
        wait_ready(base + ready_path)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - loopback
        body: bytes = response.read()
        return body


def fetch_as(url: str, token: str) -> bytes:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
        body: bytes = response.read()
        return body
