"""Run by test_wyoming inside a network namespace of its own: Home Assistant's side of discovery.

Starts `acupressure wyoming --zeroconf NAME` on HOST, browses for `_wyoming._tcp` with
python-zeroconf's ServiceBrowser (as Home Assistant's zeroconf integration does), asks the service it
found for its info with the wyoming client's describe, stops the service with SIGTERM and watches the
announcement go. Prints what it saw as one JSON object.

Usage: python tests/discovery_probe.py HOST PORT NAME
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any

from wyoming.client import AsyncTcpClient
from wyoming.info import Describe, Info
from zeroconf import ServiceBrowser, ServiceStateChange, Zeroconf

SERVICE_TYPE = "_wyoming._tcp.local."
WAIT = 15.0


class Seen:
    """What the browser has seen, by the thread it runs on."""

    def __init__(self) -> None:
        self.added = threading.Event()
        self.removed = threading.Event()
        self.names: list[str] = []

    def __call__(self, zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange) -> None:
        if state_change is ServiceStateChange.Added:
            self.names.append(name)
            self.added.set()
        elif state_change is ServiceStateChange.Removed:
            self.removed.set()


async def describe(host: str, port: int) -> list[str]:
    async with AsyncTcpClient(host, port) as client:
        await client.write_event(Describe().event())
        event = await asyncio.wait_for(client.read_event(), 5)
    assert event is not None and Info.is_type(event.type), event
    return [program.name for program in Info.from_event(event).handle]


def probe(host: str, port: int, name: str) -> dict[str, Any]:
    report: dict[str, Any] = {}
    with tempfile.TemporaryFile("w+") as log:
        service = subprocess.Popen([sys.executable, "-m", "voice", "wyoming", "--uri", f"tcp://{host}:{port}",
                                    "--zeroconf", name], stdout=subprocess.DEVNULL, stderr=log)
        browser_zeroconf = Zeroconf()
        seen = Seen()
        browser = ServiceBrowser(browser_zeroconf, SERVICE_TYPE, handlers=[seen])
        try:
            report["found"] = seen.added.wait(WAIT)
            if report["found"]:
                report["names"] = sorted(set(seen.names))  # some zeroconf versions report it twice
                info = browser_zeroconf.get_service_info(SERVICE_TYPE, seen.names[0], timeout=5000)
                assert info is not None and info.port is not None
                report["addresses"], report["port"] = info.parsed_addresses(), info.port
                report["programs"] = asyncio.run(describe(info.parsed_addresses()[0], info.port))
            started = time.monotonic()
            service.send_signal(signal.SIGTERM)
            report["exit_status"] = service.wait(timeout=WAIT)
            report["exit_seconds"] = time.monotonic() - started
            report["goodbye_seen"] = seen.removed.wait(5)
        finally:
            if service.poll() is None:
                service.kill()
                service.wait()
            browser.cancel()
            browser_zeroconf.close()
            log.seek(0)
            report["log"] = log.read()
    return report


if __name__ == "__main__":
    print(json.dumps(probe(sys.argv[1], int(sys.argv[2]), sys.argv[3])))
