"""Where webhooks may go: public addresses only, checked at registration and at every attempt.

A URL names a host; what matters is the address the connection reaches. So every attempt
resolves the host, refuses it when *any* address is not public (a host that resolves to
one public and one private address is refused: which one a client picks is not ours to
guess), then connects to the address it checked (:class:`PinnedTransport`): a DNS answer
that changes between the check and the connection (DNS rebinding) cannot steer it. The
request keeps its ``Host`` header and TLS SNI, so virtual hosts and certificates work as
for any client. Redirects are never followed (a 3xx is a failed attempt).

Refused: loopback, private (RFC 1918), carrier-grade NAT, link-local (cloud metadata lives
there: 169.254.169.254), multicast, unspecified, broadcast, reserved, IPv6 unique-local
(fd00:ec2::254 is AWS's metadata address), IPv4 addresses embedded in IPv6 (mapped,
NAT64, 6to4) when the embedded one is refused; in short everything not globally routable.
``[webhooks] allow_networks`` lets an operator reach listed networks explicitly.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence
from typing import Protocol
from urllib.parse import urlsplit

import httpx

from rejoinder.kernel.errors import Invalid

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Cloud metadata services: named so that the refusal says what it is.
METADATA = {
    ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack, DigitalOcean
    ipaddress.ip_address("169.254.170.2"),  # AWS ECS task metadata
    ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
}
NAT64 = ipaddress.ip_network("64:ff9b::/96")
RESOLVE_SECONDS = 5.0


class Refused(Exception):
    """The URL may not be delivered to; ``code`` says why (stable), the message says where."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class Resolver(Protocol):
    """Host name to addresses (a seam: tests give a host whose answer changes)."""

    async def resolve(self, host: str, port: int) -> list[str]: ...


class SystemResolver:
    async def resolve(self, host: str, port: int) -> list[str]:
        loop = asyncio.get_running_loop()
        infos = await asyncio.wait_for(
            loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), RESOLVE_SECONDS
        )
        return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _embedded(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def why_refused(address: Address) -> str | None:
    """Why ``address`` is not a public destination, or ``None`` when it is."""
    if address in METADATA:
        return "a cloud metadata address"
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded(address)
        if inner is not None:
            reason = why_refused(inner)
            return None if reason is None else f"an IPv6 form of {inner} ({reason})"
    checks = (
        (address.is_loopback, "a loopback address"),
        (address.is_unspecified, "the unspecified address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address == ipaddress.IPv4Address("255.255.255.255"), "the broadcast address"),
        (address.is_private, "a private address"),
        (address.is_reserved, "a reserved address"),
        (not address.is_global, "not a public address"),
    )
    return next((reason for refused, reason in checks if refused), None)


class AddressPolicy:
    """The check itself, with the operator's allowed networks."""

    def __init__(self, allow: Sequence[str], resolver: Resolver | None = None) -> None:
        self.allow: list[Network] = [ipaddress.ip_network(n, strict=False) for n in allow]
        self.resolver: Resolver = resolver or SystemResolver()

    def check_address(self, text: str) -> Address:
        address = ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone
        # A metadata address is allowed only when listed exactly, never by a wide range.
        exact = address in METADATA
        if any(address in n and (not exact or n.num_addresses == 1) for n in self.allow):
            return address
        reason = why_refused(address)
        if reason is not None:
            raise Refused(f"{address} is {reason}.", "webhook_address_refused")
        return address

    async def resolve_checked(self, host: str, port: int) -> list[Address]:
        """Every address ``host`` resolves to, checked; refused if any one is not allowed."""
        try:
            literal = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            literal = None
        if literal is not None:
            return [self.check_address(str(literal))]
        try:
            found = await self.resolver.resolve(host, port)
        except (OSError, TimeoutError, UnicodeError) as exc:
            raise Refused(f"{host} does not resolve ({exc}).", "webhook_url_unresolvable") from None
        if not found:
            raise Refused(f"{host} does not resolve.", "webhook_url_unresolvable")
        return [self.check_address(text) for text in found]

    async def check_url(self, url: str) -> None:
        """At registration: the URL is well formed and every address it names is allowed."""
        host, port = split_url(url)
        try:
            await self.resolve_checked(host, port)
        except Refused as refused:
            raise Invalid(f"The webhook URL is refused: {refused}", code=refused.code) from None


def split_url(url: str) -> tuple[str, int]:
    """The host and port of an http(s) URL without credentials; ``Invalid`` otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Invalid("The webhook URL is not a valid URL.", code="webhook_url_invalid") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise Invalid(
            "A webhook URL is http:// or https:// with a host.", code="webhook_url_invalid"
        )
    if parts.username is not None or parts.password is not None:
        raise Invalid("A webhook URL may not carry credentials.", code="webhook_url_invalid")
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


class PinnedTransport(httpx.AsyncBaseTransport):
    """Resolve, check, then connect to the checked address; Host header and SNI unchanged.

    One inner connection pool per host name, so that a connection opened for one name (and
    its TLS session, verified for that name) is never reused for another on the same address.
    """

    def __init__(self, policy: AddressPolicy, *, max_hosts: int = 256) -> None:
        self._policy = policy
        self._pools: dict[str, httpx.AsyncHTTPTransport] = {}
        self._max_hosts = max_hosts

    def _pool(self, host: str) -> httpx.AsyncHTTPTransport:
        pool = self._pools.get(host)
        if pool is None:
            if len(self._pools) >= self._max_hosts:
                oldest = next(iter(self._pools))
                self._pools.pop(oldest)  # closed by the garbage collector; rare
            pool = self._pools[host] = httpx.AsyncHTTPTransport(retries=0)
        return pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        port = request.url.port or (443 if request.url.scheme == "https" else 80)
        addresses = await self._policy.resolve_checked(host, port)
        pinned = str(addresses[0])
        request.url = request.url.copy_with(host=pinned)
        # httpx set Host from the original URL when it built the request; TLS uses the name.
        request.extensions = {**request.extensions, "sni_hostname": host}
        return await self._pool(host).handle_async_request(request)

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            await pool.aclose()
