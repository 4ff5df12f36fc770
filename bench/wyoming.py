"""Benchmark of the Wyoming service: handle round trip on 127.0.0.1, and the service process's memory.

Run: nice -n 5 .venv/bin/python bench/wyoming.py   (prints a Markdown table for the README; --json for JSON)

It starts `acupressure wyoming` as its own process, as systemd would, and talks to it with the wyoming
client: each transcript first on a new connection (as Home Assistant does), then all on one connection.
At the end it stops the service with SIGTERM and reads which modules the service had imported.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import describe, machine, print_report
from resolver import SENTENCES

# This script's own name hides the wyoming package while bench/ is first on the path.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]
sys.modules.pop("wyoming", None)
from wyoming.asr import Transcript  # noqa: E402
from wyoming.client import AsyncTcpClient  # noqa: E402

HEAVY = ("vosk", "sounddevice", "pyttsx3")
"""What the service must never import: it has no speech model, microphone or voice."""
ROOT = Path(__file__).resolve().parent.parent
# Runs the real command line, and on the way out writes the names in sys.modules to standard output.
LAUNCHER = """\
import atexit, json, sys
atexit.register(lambda: print(json.dumps(sorted(sys.modules)), flush=True))
from voice.cli import main
sys.exit(main(sys.argv[1:]))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def round_trip_ms(client: AsyncTcpClient, text: str) -> float:
    started = time.perf_counter()
    await client.write_event(Transcript(text, language="en").event())
    event = await asyncio.wait_for(client.read_event(), 10)
    elapsed = (time.perf_counter() - started) * 1000
    assert event is not None and event.type in ("handled", "not-handled"), event
    return elapsed


async def new_connection_each(port: int, count: int) -> list[float]:
    """As Home Assistant does it: connect, send the transcript, read the answer, close."""
    times = []
    for number in range(count):
        started = time.perf_counter()
        async with AsyncTcpClient("127.0.0.1", port) as client:
            await round_trip_ms(client, SENTENCES[number % len(SENTENCES)])
        times.append((time.perf_counter() - started) * 1000)
    return times


async def one_connection(port: int, count: int) -> list[float]:
    async with AsyncTcpClient("127.0.0.1", port) as client:
        return [await round_trip_ms(client, SENTENCES[number % len(SENTENCES)]) for number in range(count)]


async def wait_until_serving(port: int, process: subprocess.Popen[str]) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < 30:
        if process.poll() is not None:
            raise SystemExit(f"the service stopped at start-up (exit status {process.returncode})")
        try:
            async with AsyncTcpClient("127.0.0.1", port) as client:
                await round_trip_ms(client, "my knee hurts")
            return time.perf_counter() - started
        except OSError:
            await asyncio.sleep(0.05)
    raise SystemExit("the service did not start within 30 s")


def memory_mib(pid: int) -> dict[str, float]:
    """Resident memory now (VmRSS) and at its peak (VmHWM), from /proc/PID/status."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return {"rss_mib": fields["VmRSS"], "peak_mib": fields["VmHWM"]}


def percentiles(times: list[float]) -> dict[str, float]:
    return {"median_ms": statistics.median(times), "p99_ms": statistics.quantiles(times, n=100)[98]}


async def measure(port: int, process: subprocess.Popen[str], count: int) -> dict[str, Any]:
    start_s = await wait_until_serving(port, process)
    await one_connection(port, 50)  # warm-up
    return {
        "start_s": start_s,
        "new_connection": percentiles(await new_connection_each(port, count)),
        "one_connection": percentiles(await one_connection(port, count)),
        "memory": memory_mib(process.pid),
    }


def run(count: int) -> dict[str, Any]:
    port = free_port()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "XDG_CONFIG_HOME": home, "PYTHONPATH": str(ROOT)}
        process = subprocess.Popen([sys.executable, "-c", LAUNCHER, "wyoming", "--uri", f"tcp://127.0.0.1:{port}"],
                                   cwd=home, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            report = asyncio.run(measure(port, process, count))
            process.send_signal(signal.SIGTERM)
            modules, _ = process.communicate(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    imported = set(json.loads(modules))
    report.update(transcripts=count, exit_status=process.returncode, machine=machine(),
                  heavy_imported=sorted(name for name in imported if name.split(".")[0] in HEAVY))
    return report


def table(report: dict[str, Any]) -> str:
    new, one, memory = report["new_connection"], report["one_connection"], report["memory"]
    heavy = ", ".join(report["heavy_imported"]) or "none"
    return "\n".join([
        f"Machine: {describe(report['machine'])}",
        "",
        f"| Wyoming service, {report['transcripts']} transcripts on 127.0.0.1 | median | 99th percentile |",
        "|---|---|---|",
        f"| handle round trip, a new connection each (as Home Assistant) | {new['median_ms']:.2f} ms "
        f"| {new['p99_ms']:.2f} ms |",
        f"| handle round trip, one connection | {one['median_ms']:.2f} ms | {one['p99_ms']:.2f} ms |",
        "",
        "| service process | figure |",
        "|---|---|",
        f"| start-up until the first answer | {report['start_s']:.2f} s |",
        f"| resident memory after the run (peak) | {memory['rss_mib']:.1f} MiB ({memory['peak_mib']:.1f} MiB) |",
        f"| vosk, sounddevice or pyttsx3 imported | {heavy} |",
        f"| exit status after SIGTERM | {report['exit_status']} |",
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=1000)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    report = run(args.transcripts)
    print_report(report, args.json, table)
    return 0 if not report["heavy_imported"] and report["exit_status"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
