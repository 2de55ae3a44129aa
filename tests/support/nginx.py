"""Debian's nginx, started by a test on a free port with the committed example config.

``make test`` installs the package when it is missing (the ``nginx`` target). The example
(deploy/nginx/rejoinder.conf) is used as committed except for what must differ on a test
machine: its ``listen`` lines become one free port and its upstream ``server`` lines the
test's processes. Each rewrite must match exactly as often as expected, so a change of the
example's shape fails here instead of silently testing something else.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from support.ports import free_port, wait_until

EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "rejoinder.conf"
UPSTREAM_SERVER = re.compile(r"^(\s*server )127\.0\.0\.1:\d+( [^;]*;)$", re.MULTILINE)
LISTEN = re.compile(r"^\s*listen (80|\[::\]:80);$", re.MULTILINE)


def site_config(example: str, port: int, upstream_ports: Sequence[int]) -> str:
    """The example with its listen lines and upstream servers pointed at this test."""
    servers = UPSTREAM_SERVER.findall(example)
    assert len(servers) == 2, "the example's upstream should list two processes"
    head, tail = servers[0]
    lines = "\n".join(f"{head}127.0.0.1:{p}{tail}" for p in upstream_ports)
    first = UPSTREAM_SERVER.search(example)
    assert first is not None
    config = UPSTREAM_SERVER.sub("", example)
    config = config[: first.start()] + lines + config[first.start() :]
    config, listens = LISTEN.subn("", config)
    assert listens == 2, "the example should listen on port 80 (IPv4 and IPv6)"
    return config.replace("server_name ", f"listen 127.0.0.1:{port};\n    server_name ", 1)


def main_config(directory: Path, site: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf provides, inside the test's directory."""
    temp = directory / "temp"
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the tmp dir
    return f"""{user}worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log info;
events {{ worker_connections 256; }}
http {{
    access_log {directory}/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {site};
}}
"""


@dataclass
class Nginx:
    port: int
    directory: Path
    process: subprocess.Popen[bytes]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful shutdown
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def error_log(self) -> str:
        path = self.directory / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""


def start_nginx(directory: Path, upstream_ports: Sequence[int]) -> Nginx:
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(binary).exists(), "nginx is missing: `make nginx` (apt-get install -y nginx)"
    (directory / "temp").mkdir(parents=True, exist_ok=True)
    port = free_port()
    site = directory / "rejoinder.conf"
    site.write_text(site_config(EXAMPLE.read_text(), port, upstream_ports), encoding="utf-8")
    conf = directory / "nginx.conf"
    conf.write_text(main_config(directory, site), encoding="utf-8")
    checked = subprocess.run(
        [binary, "-t", "-c", str(conf), "-p", str(directory)], capture_output=True, check=False
    )
    assert checked.returncode == 0, checked.stderr.decode()
    process = subprocess.Popen(
        [binary, "-c", str(conf), "-p", str(directory), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    nginx = Nginx(port, directory, process)

    def listening() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited:\n{nginx.error_log()}")
        try:
            httpx.get(f"{nginx.base_url}/healthz", timeout=1)
        except httpx.TransportError:
            return False
        return True

    wait_until(listening, within=15, what="nginx")
    return nginx
