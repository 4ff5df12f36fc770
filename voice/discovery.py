"""Announces the Wyoming service on the local network (zeroconf, `_wyoming._tcp`) so Home Assistant finds it by itself."""

# Home Assistant browses for `_wyoming._tcp` and offers every service it finds under Settings >
# Devices & services > Discovered. The wyoming library's own helper (wyoming.zeroconf) announces on
# every network interface and cannot withdraw the announcement; this one announces the address the
# service listens on, on that address's interface only, and says goodbye when the service stops,
# so Home Assistant does not keep offering a service that is gone. As the library does, a service
# listening on every network announces the address this machine reaches the mDNS group from.

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket
from typing import Callable, Final

from zeroconf.asyncio import AsyncServiceInfo, AsyncZeroconf

from voice.errors import SettingsError
from voice.guard import everywhere

log = logging.getLogger(__name__)

SERVICE_TYPE: Final = "_wyoming._tcp.local."
MDNS_GROUP: Final = ("224.0.0.251", 5353)
RETRY_SECONDS: Final = 30.0
"""How often it tries again while the machine has no network (at boot, say)."""
GOODBYE_SECONDS: Final = 0.8
"""Time the goodbye may take when the service stops."""
MAX_NAME_BYTES: Final = 63


def default_name() -> str:
    """'acupressure on HOST', the machine's name: what a zeroconf browser lists."""
    name = f"acupressure on {socket.gethostname().split('.')[0]}"
    return name.encode("utf-8")[:MAX_NAME_BYTES].decode("utf-8", "ignore")


def check_name(name: str) -> str:
    """The name to announce, or SettingsError saying what is wrong with it."""
    if not name.strip() or "." in name or any(ord(char) < 32 for char in name) \
            or len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise SettingsError(f"'{name}' cannot be a zeroconf name: it needs 1 to {MAX_NAME_BYTES} bytes, "
                            "without dots or control characters.", "For example: --zeroconf 'acupressure kitchen'.")
    return name.strip()


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        return []  # listening on it will say why
    return [ipaddress.ip_address(str(address[0]).split("%")[0]) for *_, address in found]


def why_not_announceable(host: str) -> SettingsError | None:
    """Why announcing a service listening on host would lead others nowhere ("127.0.0.1": only
    this machine can reach it; "2001:db8::5" and "::": no IPv4 address to announce, and a service
    on "::" takes IPv6 connections only); None when it would not."""
    addresses = _addresses(host)  # looked up once: every rule below sees the same addresses
    if addresses and all(address.is_loopback for address in addresses):
        return SettingsError(f"--zeroconf tells other machines where the service is, but on {host} only this "
                             "machine can reach it.", "Give --uri tcp://ADDRESS:PORT with this machine's address "
                             "on your home network (or 0.0.0.0), or leave out --zeroconf.")
    if not any(address.version == 4 for address in addresses):
        return SettingsError(f"--zeroconf announces IPv4 addresses, and {host} has none.",
                             "Give --uri tcp://ADDRESS:PORT with an IPv4 address of this machine (or 0.0.0.0).")
    return None


def announceable(host: str) -> bool:
    """True when a service listening on host may be announced: "0.0.0.0" may, "127.0.0.1" may not."""
    return why_not_announceable(host) is None


def check_announceable(host: str) -> None:
    """SettingsError when announcing a service listening on host would lead others nowhere."""
    reason = why_not_announceable(host)
    if reason is not None:
        raise reason


def address_to_announce(host: str) -> str | None:
    """The IPv4 address Home Assistant should connect to; None while there is no network to find it on."""
    if everywhere(host):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                probe.connect(MDNS_GROUP)  # sends nothing: only picks the interface a packet would leave by
            except OSError:
                return None
            return str(probe.getsockname()[0])
    return next((str(address) for address in _addresses(host) if address.version == 4), None)


class Announcer:
    """Announces one service until stopped, trying again while the network is not up yet."""

    def __init__(self, name: str, host: str, port: int, show: Callable[[str], None]) -> None:
        self.name = name
        self.host = host
        self.port = port
        self.show = show
        self._zeroconf: AsyncZeroconf | None = None
        self._task: asyncio.Task[None] | None = None
        self._waiting_said = False

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._announce())

    async def _announce(self) -> None:
        while True:
            address = address_to_announce(self.host)
            if address is not None:
                try:
                    await self._register(address)
                    return
                except OSError as error:
                    await self._close()
                    self._say_waiting(f"zeroconf cannot use {address} ({error.strerror or error})")
            else:
                self._say_waiting("this machine has no network yet")
            await asyncio.sleep(RETRY_SECONDS)

    async def _register(self, address: str) -> None:
        self._zeroconf = AsyncZeroconf(interfaces=[address])
        info = AsyncServiceInfo(SERVICE_TYPE, f"{self.name}.{SERVICE_TYPE}", port=self.port,
                                addresses=[socket.inet_aton(address)])
        await self._zeroconf.async_register_service(info, allow_name_change=True)  # "NAME (2)" if taken
        name = info.name.removesuffix(f".{SERVICE_TYPE}")
        self.show(f"Announced on the local network as '{name}' ({address}:{self.port}, zeroconf "
                  "_wyoming._tcp): Home Assistant offers it under Settings > Devices & services > Discovered.")

    def _say_waiting(self, why: str) -> None:
        if not self._waiting_said:
            log.warning("not announced on the local network yet: %s; trying again every %.0f s",
                        why, RETRY_SECONDS)
            self._waiting_said = True

    async def stop(self) -> None:
        """Say goodbye, so Home Assistant stops offering the service, and stop announcing."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._close()

    async def _close(self) -> None:
        zeroconf, self._zeroconf = self._zeroconf, None
        if zeroconf is not None:
            with contextlib.suppress(asyncio.TimeoutError, OSError):
                await asyncio.wait_for(zeroconf.async_close(), GOODBYE_SECONDS)
