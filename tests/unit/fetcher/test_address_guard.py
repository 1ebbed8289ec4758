"""The address classifier over every refused range — no traffic is sent by these tests."""

from __future__ import annotations

import ipaddress

import pytest

from newswire.fetcher.address_guard import (
    AddressGuard,
    AddressRefused,
    AllowList,
    SchemeRefused,
    check_addresses,
    refusal_reason,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.0.0.2", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("172.31.255.254", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("100.64.0.1", "not-global"),
        ("192.0.2.10", "private"),
        ("240.0.0.1", "private"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
    ],
)
def test_refused_ranges(address: str, reason: str) -> None:
    assert refusal_reason(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "203.119.25.1", "2606:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert refusal_reason(ipaddress.ip_address(address)) is None


def test_allow_list_by_address_network_and_host() -> None:
    allow = AllowList.parse(["127.0.0.1", "10.0.0.0/8", "intranet.example"])
    check_addresses("x", [ipaddress.ip_address("127.0.0.1")], allow)
    check_addresses("x", [ipaddress.ip_address("10.9.9.9")], allow)
    check_addresses("intranet.example", [ipaddress.ip_address("192.168.0.1")], allow)
    with pytest.raises(AddressRefused):
        check_addresses("x", [ipaddress.ip_address("127.0.0.2")], allow)
    with pytest.raises(AddressRefused):
        check_addresses("x", [ipaddress.ip_address("::1")], allow)


def test_any_refused_address_refuses_the_host() -> None:
    # A name resolving to one public and one private address (DNS tricks) is refused.
    addresses = [ipaddress.ip_address("8.8.8.8"), ipaddress.ip_address("10.0.0.1")]
    with pytest.raises(AddressRefused):
        check_addresses("mixed.example", addresses, AllowList())


async def test_guard_checks_literals_and_schemes_without_traffic() -> None:
    guard = AddressGuard(["127.0.0.1"])
    assert await guard.check("http://127.0.0.1:8000/a") == [ipaddress.ip_address("127.0.0.1")]
    for url in ("http://127.0.0.2/", "http://[::1]:80/", "http://169.254.169.254/latest"):
        with pytest.raises(AddressRefused):
            await guard.check(url)
    for url in ("ftp://127.0.0.1/", "file:///etc/passwd", "gopher://127.0.0.1/"):
        with pytest.raises(SchemeRefused):
            await guard.check(url)


async def test_guard_resolves_names_from_hosts_file() -> None:
    # "localhost" resolves through /etc/hosts: no DNS query leaves the machine.
    with pytest.raises(AddressRefused):
        await AddressGuard().check("http://localhost/")
    await AddressGuard(["localhost"]).check("http://localhost/")
