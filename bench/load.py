"""Load generation with wrk (loopback only), pinned to the core the server does not use."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from dataset import DATA

SERVER_CPU = "0"
CLIENT_CPU = "1"


@dataclass
class Result:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    connections: int
    cpu_us: float = float("nan")  # server CPU time per request: steadier than req/s here

    def row(self) -> str:
        bad = f"  ({self.errors} errors)" if self.errors else ""
        return (
            f"  {self.name:<58} {self.rps:>8,.0f} req/s {self.cpu_us:>7,.0f} us CPU/req   "
            f"p50 {self.p50_ms:7.2f} ms   p99 {self.p99_ms:7.2f} ms   c={self.connections}{bad}"
        )


def require_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is needed: `apt-get install -y wrk` (Debian), then run again")
    return wrk


def _ms(text: str) -> float:
    """wrk's latency figures: ``812.00us``, ``1.20ms``, ``2.03s``, ``1.10m``; nan otherwise."""
    found = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    if found is None:
        return float("nan")
    factor = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[found.group(2)]
    return float(found.group(1)) * factor


def lua_get(name: str, paths: list[str], tokens: list[str] | None = None) -> Path:
    """GETs of random ``paths``; with ``tokens``, each as a signed-in reader (rotating)."""
    script = DATA / f"{name}.lua"
    items = ",\n".join(f'  "{p}"' for p in paths)
    token_list = ", ".join(f'"{t}"' for t in tokens or [])
    script.write_text(
        "local paths = {\n" + items + "\n}\n"
        f"local tokens = {{{token_list}}}\n"
        "local n = 0\n"
        "math.randomseed(42)\n"
        "request = function()\n"
        "  n = n + 1\n"
        "  local path = paths[math.random(#paths)]\n"
        "  if #tokens > 0 then\n"
        "    local headers = {['Authorization'] = 'Bearer ' .. tokens[(n % #tokens) + 1]}\n"
        "    return wrk.format('GET', path, headers)\n"
        "  end\n"
        "  return wrk.format('GET', path)\n"
        "end\n"
    )
    return script


def lua_post(name: str, path: str, body_template: str, tokens: list[str] | None = None) -> Path:
    """POSTs of distinct JSON bodies (``%d`` is replaced by a counter), rotating tokens."""
    script = DATA / f"{name}.lua"
    token_list = ", ".join(f'"{t}"' for t in tokens or [])
    script.write_text(
        f"local tokens = {{{token_list}}}\n"
        "local n = 0\n"
        "request = function()\n"
        "  n = n + 1\n"
        "  local headers = {['Content-Type'] = 'application/json'}\n"
        "  if #tokens > 0 then\n"
        "    headers['Authorization'] = 'Bearer ' .. tokens[(n % #tokens) + 1]\n"
        "  end\n"
        f"  local body = string.format('{body_template}', n, math.random(1, 1000000000))\n"
        f"  return wrk.format('POST', '{path}', headers, body)\n"
        "end\n"
    )
    return script


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(
    name: str,
    base_url: str,
    script: Path,
    *,
    seconds: float,
    connections: int,
    timeout: int = 2,
    pid: int | None = None,
) -> Result:
    command = [
        "taskset",
        "-c",
        CLIENT_CPU,
        require_wrk(),
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={timeout}s",
        "--latency",
        "-s",
        str(script),
        base_url,
    ]
    before = cpu_seconds(pid) if pid else 0.0
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    used = cpu_seconds(pid) - before if pid else float("nan")
    requests = int(_find(r"(\d+) requests in", out) or 0)
    rps = float(_find(r"Requests/sec:\s+([\d.]+)", out) or 0)
    p50 = _ms(_find(r"(?m)^\s+50%\s+(\S+)", out))
    p99 = _ms(_find(r"(?m)^\s+99%\s+(\S+)", out))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    count = int(errors.group(1)) if errors else 0
    if socket_errors:
        count += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    cpu_us = used / requests * 1e6 if requests else float("nan")
    return Result(name, rps, p50, p99, count, connections, cpu_us)


def _find(pattern: str, text: str) -> str:
    found = re.search(pattern, text)
    return found.group(1) if found else ""
