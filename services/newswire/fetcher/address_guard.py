"""Refuse to connect to addresses a crawler has no business reaching (SSRF protection).

A hostile page can link or redirect to ``http://169.254.169.254/`` (cloud metadata),
``http://10.0.0.5:9200/`` (an internal search engine) or ``http://[::1]/``. Before every
connection — the first request and each redirect hop — the fetcher resolves the host and
refuses if *any* address it resolves to is private, loopback, link-local, multicast, reserved
or otherwise not globally routable, unless the host or address is allow-listed in
``settings.allow_private_networks`` (tests allow-list ``127.0.0.1``). The connection is then
made to one of the addresses that were checked, never to a second DNS answer (DNS rebinding:
a name that resolves to a public address for the check and to 10.0.0.5 a moment later).

:func:`refusal_reason` is pure and unit-tested over every range without sending traffic;
:class:`AddressGuard` adds resolution.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from newswire.urls import redact

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
#: Host and port to addresses (the system resolver by default; tests give their own answers).
Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]

ALLOWED_SCHEMES = frozenset({"http", "https"})


class AddressRefused(Exception):
    """The URL's host is, or resolves to, an address the guard refuses."""

    reason = "address_refused"


class SchemeRefused(AddressRefused):
    reason = "scheme_refused"


class ResolutionFailed(Exception):
    """DNS gave no address for the host (a transient or permanent fetch failure)."""

    reason = "dns_error"


def refusal_reason(address: IPAddress) -> str | None:
    """Why a crawler must not connect to ``address``, or None when it is globally routable."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        # ::ffff:127.0.0.1 reaches 127.0.0.1: judge the IPv4 address it maps to.
        return refusal_reason(address.ipv4_mapped)
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if address.is_unspecified:
        return "unspecified"
    if address.is_private:
        return "private"
    if address.is_reserved:
        return "reserved"
    if not address.is_global:
        # Shared address space (100.64/10), documentation ranges, 6to4 relays, ...
        return "not-global"
    return None


@dataclass(frozen=True)
class AllowList:
    """Hosts (exact names) and networks that may resolve to otherwise refused addresses."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> AllowList:
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in entries:
            entry = entry.strip().lower().strip("[]")
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.add(entry.rstrip("."))
        return cls(frozenset(hosts), tuple(networks))

    def allows(self, host: str, address: IPAddress) -> bool:
        if host.lower().strip("[]") in self.hosts:
            return True
        return any(address in net for net in self.networks if net.version == address.version)


def check_addresses(host: str, addresses: Iterable[IPAddress], allow: AllowList) -> None:
    """Raise :class:`AddressRefused` if any address of ``host`` is refused and not allowed."""
    for address in addresses:
        reason = refusal_reason(address)
        if reason is not None and not allow.allows(host, address):
            raise AddressRefused(f"{host} resolves to {reason} address {address}")


class AddressGuard:
    """Resolves hosts and applies :func:`check_addresses`; used before every connection."""

    def __init__(
        self,
        allow: AllowList | Iterable[str] = (),
        *,
        cache_ttl_s: float = 60.0,
        cache_size: int = 10_000,
        resolver: Resolver | None = None,
    ):
        self.allow = allow if isinstance(allow, AllowList) else AllowList.parse(allow)
        self._resolver = resolver or _getaddrinfo
        # Resolutions are cached briefly: getaddrinfo runs in a thread and may query DNS, and
        # the worker asks for the same host for every page (and again for each redirect hop).
        self.cache_ttl_s = cache_ttl_s
        self.cache_size = cache_size
        self._cache: dict[tuple[str, int], tuple[float, list[IPAddress]]] = {}

    async def resolve(self, host: str, port: int) -> list[IPAddress]:
        try:
            literal = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            pass
        else:
            return [literal]
        key = (host.lower(), port)
        cached = self._cache.get(key)
        now = time.monotonic()
        if cached is not None and cached[0] > now:
            return cached[1]
        addresses = await self._resolver(host, port)
        if len(self._cache) >= self.cache_size:
            self._cache.clear()
        self._cache[key] = (now + self.cache_ttl_s, addresses)
        return addresses

    async def approved(self, host: str, port: int) -> list[IPAddress]:
        """The addresses of ``host`` a connection may use; raises if any of them is refused.

        The HTTP client connects to exactly these (see ``GuardedNetworkBackend``), so what is
        checked is what is connected to, whatever DNS answers next.
        """
        addresses = await self.resolve(host, port)
        check_addresses(host, addresses, self.allow)
        return addresses

    async def check(self, url: str) -> list[IPAddress]:
        """Raise unless ``url`` is http(s) and its host is safe to connect to."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ALLOWED_SCHEMES:
            raise SchemeRefused(f"scheme {scheme!r} is not fetched: {redact(url)}")
        host = parts.hostname
        if not host:
            raise AddressRefused(f"URL has no host: {redact(url)}")
        port = parts.port or (443 if scheme == "https" else 80)
        return await self.approved(host, port)


async def _getaddrinfo(host: str, port: int) -> list[IPAddress]:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ResolutionFailed(f"cannot resolve {host}: {exc}") from None
    addresses = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        # Drop an IPv6 zone id ("fe80::1%eth0") before parsing.
        addresses.append(ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0]))
    if not addresses:
        raise ResolutionFailed(f"cannot resolve {host}: no addresses")
    return addresses
