"""Benchmark of the Wyoming service: round trips, many clients at once, memory, and the lock-out attack.

Run: nice -n 5 .venv/bin/python bench/wyoming.py   (prints Markdown tables for docs/figures.md; --json for JSON)

It starts `acupressure wyoming` as its own process, as systemd would, and talks to it with the wyoming
client: transcripts first each on a new connection (as Home Assistant does), then all on one
connection, then from 50 and from 200 clients at once. Memory is read after the first 2,000 transcripts
and at the end. Then a second service, started with the open-file limit of a systemd user service
(1,024), is held 1,100 idle connections while Home Assistant's describe (4 tries of 1 s) and
transcripts are timed, and its log is measured. Each service is stopped with SIGTERM, clients
still connected, and timed. The machine's load average is read before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

from common import describe, machine, print_report
from resolver import SENTENCES

from voice.service import OPEN_FILES

# This script's own name hides the wyoming package while bench/ is first on the path.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]
sys.modules.pop("wyoming", None)
from wyoming.asr import Transcript  # noqa: E402
from wyoming.client import AsyncTcpClient  # noqa: E402
from wyoming.info import Describe, Info  # noqa: E402

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
ATTACK_CONNECTIONS = 1100


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_service(port: int, home: str, log: IO[str], files: int | None = None) -> subprocess.Popen[str]:
    def limit_files() -> None:
        if files is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))

    env = {**os.environ, "XDG_CONFIG_HOME": home, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", LAUNCHER, "wyoming", "--uri", f"tcp://127.0.0.1:{port}"],
                            cwd=home, env=env, stdout=subprocess.PIPE, stderr=log, text=True,
                            preexec_fn=limit_files)


async def round_trip_ms(client: AsyncTcpClient, text: str) -> float:
    started = time.perf_counter()
    await client.write_event(Transcript(text, language="en").event())
    event = await asyncio.wait_for(client.read_event(), 10)
    elapsed = (time.perf_counter() - started) * 1000
    assert event is not None and event.type in ("handled", "not-handled"), event
    return elapsed


async def new_connection_ms(port: int, text: str) -> float:
    """As Home Assistant does it: connect, send the transcript, read the answer, close."""
    started = time.perf_counter()
    async with AsyncTcpClient("127.0.0.1", port) as client:
        await round_trip_ms(client, text)
    return (time.perf_counter() - started) * 1000


async def new_connection_each(port: int, count: int) -> list[float]:
    return [await new_connection_ms(port, SENTENCES[number % len(SENTENCES)]) for number in range(count)]


async def one_connection(port: int, count: int) -> list[float]:
    async with AsyncTcpClient("127.0.0.1", port) as client:
        return [await round_trip_ms(client, SENTENCES[number % len(SENTENCES)]) for number in range(count)]


async def at_once(port: int, clients: int, each: int) -> dict[str, float]:
    """`clients` clients start together, each asking `each` transcripts on a new connection each."""
    async def client(number: int) -> list[float]:
        return [await new_connection_ms(port, SENTENCES[(number + turn) % len(SENTENCES)]) for turn in range(each)]

    started = time.perf_counter()
    times = [ms for one in await asyncio.gather(*(client(number) for number in range(clients))) for ms in one]
    wall = time.perf_counter() - started
    return {**percentiles(times), "per_second": len(times) / wall, "transcripts": len(times)}


async def wait_until_serving(port: int, process: subprocess.Popen[str]) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < 30:
        if process.poll() is not None:
            raise SystemExit(f"the service stopped at start-up (exit status {process.returncode})")
        try:
            await new_connection_ms(port, "my knee hurts")
            return time.perf_counter() - started
        except OSError:
            await asyncio.sleep(0.05)
    raise SystemExit("the service did not start within 30 s")


async def describe_as_home_assistant(port: int) -> tuple[float | None, int]:
    """Seconds until Home Assistant's describe is answered (4 tries of 1 s, as it loads a service's
    info), None when it never is; and the tries it took."""
    started = time.perf_counter()
    for attempt in range(1, 5):
        try:
            async with AsyncTcpClient("127.0.0.1", port) as client:
                await asyncio.wait_for(client.write_event(Describe().event()), 1)
                event = await asyncio.wait_for(client.read_event(), 1)
                if event is not None and Info.is_type(event.type):
                    return time.perf_counter() - started, attempt
        except (OSError, asyncio.TimeoutError):
            pass
    return None, 4


def memory_mib(pid: int) -> dict[str, float]:
    """Resident memory now (VmRSS) and at its peak (VmHWM), from /proc/PID/status."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return {"rss_mib": fields["VmRSS"], "peak_mib": fields["VmHWM"]}


def percentiles(times: list[float]) -> dict[str, float]:
    return {"median_ms": statistics.median(times), "p95_ms": statistics.quantiles(times, n=20)[18],
            "p99_ms": statistics.quantiles(times, n=100)[98]}


def stop_seconds(process: subprocess.Popen[str]) -> tuple[float, str]:
    """SIGTERM, and the seconds until the process is gone; and what it wrote to standard output."""
    started = time.perf_counter()
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=30)
    return time.perf_counter() - started, out


async def measure(port: int, process: subprocess.Popen[str], count: int) -> dict[str, Any]:
    start_s = await wait_until_serving(port, process)
    await one_connection(port, 50)  # warm-up
    new, one = await new_connection_each(port, count), await one_connection(port, count)
    memory_after = memory_mib(process.pid)
    return {
        "start_s": start_s,
        "new_connection": percentiles(new),
        "one_connection": percentiles(one),
        "memory_after_transcripts": memory_after,
        "at_once": {clients: await at_once(port, clients, 10) for clients in (50, 200)},
        "memory_end": memory_mib(process.pid),
    }


def run(count: int) -> dict[str, Any]:
    port = free_port()
    with tempfile.TemporaryDirectory() as home, tempfile.TemporaryFile("w+") as log:
        process = start_service(port, home, log)
        try:
            report = asyncio.run(measure(port, process, count))
            with socket.create_connection(("127.0.0.1", port), timeout=10):  # a client still connected
                report["stop_s"], modules = stop_seconds(process)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    imported = set(json.loads(modules.splitlines()[-1]))
    report.update(transcripts=count, exit_status=process.returncode,
                  heavy_imported=sorted(name for name in imported if name.split(".")[0] in HEAVY))
    return report


def lock_out() -> dict[str, Any]:
    """Issue 18's attack: 1,100 idle connections against a service with 1,024 open files."""
    port = free_port()
    own = resource.getrlimit(resource.RLIMIT_NOFILE)
    if own[0] != resource.RLIM_INFINITY and own[0] < ATTACK_CONNECTIONS + 200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (ATTACK_CONNECTIONS + 200, own[1]))
    held: list[socket.socket] = []
    with tempfile.TemporaryDirectory() as home, tempfile.TemporaryFile("w+") as log:
        process = start_service(port, home, log, files=OPEN_FILES)
        try:
            asyncio.run(wait_until_serving(port, process))
            started = time.perf_counter()
            for number in range(ATTACK_CONNECTIONS):
                client = socket.create_connection(("127.0.0.1", port), timeout=10)
                if number % 11 == 0:
                    client.sendall(b'{"type": "ping"}\n')  # not a request: keeps nothing open
                held.append(client)
            opened_s = time.perf_counter() - started
            describe_s, tries = asyncio.run(describe_as_home_assistant(port))
            during = asyncio.run(new_connection_each(port, 200))
            open_files = len(os.listdir(f"/proc/{process.pid}/fd"))
            stop_s, _ = stop_seconds(process)
        finally:
            for client in held:
                client.close()
            if process.poll() is None:
                process.kill()
                process.wait()
            resource.setrlimit(resource.RLIMIT_NOFILE, own)
        log.seek(0)
        text = log.read()
    return {"connections": ATTACK_CONNECTIONS, "open_file_limit": OPEN_FILES, "opened_s": opened_s,
            "describe_s": describe_s, "describe_tries": tries, "during": percentiles(during),
            "service_open_files": open_files, "log_bytes": len(text.encode()), "log_lines": text.count("\n"),
            "tracebacks": text.count("Traceback"), "stop_s": stop_s, "exit_status": process.returncode}


def table(report: dict[str, Any]) -> str:
    new, one, attack = report["new_connection"], report["one_connection"], report["lock_out"]
    after, end = report["memory_after_transcripts"], report["memory_end"]
    heavy = ", ".join(report["heavy_imported"]) or "none"
    load = f"{report['load_before'][0]:.1f} before, {report['load_after'][0]:.1f} after (1-minute load average)"
    rows = [
        f"Machine: {describe(report['machine'])}; load: {load}",
        "",
        f"| Wyoming service on 127.0.0.1, {report['transcripts']:,} transcripts each | median | 95th percentile "
        "| 99th percentile |",
        "|---|---|---|---|",
        f"| handle round trip, a new connection each (as Home Assistant) | {ms(new['median_ms'])} "
        f"| {ms(new['p95_ms'])} | {ms(new['p99_ms'])} |",
        f"| handle round trip, one connection | {ms(one['median_ms'])} | {ms(one['p95_ms'])} "
        f"| {ms(one['p99_ms'])} |",
    ]
    for clients, figures in report["at_once"].items():
        rows.append(f"| {clients} clients at once, 10 transcripts each on a new connection each "
                    f"({figures['per_second']:,.0f} answers a second) | {ms(figures['median_ms'])} "
                    f"| {ms(figures['p95_ms'])} | {ms(figures['p99_ms'])} |")
    during = attack["during"]
    rows.append(f"| a new connection each, while {attack['connections']:,} idle connections are held "
                f"| {ms(during['median_ms'])} | {ms(during['p95_ms'])} | {ms(during['p99_ms'])} |")
    described = "never" if attack["describe_s"] is None else f"{attack['describe_s']:.3f} s"
    rows += [
        "",
        "| service process | figure |",
        "|---|---|",
        f"| start-up until the first answer | {report['start_s']:.2f} s |",
        f"| resident memory after the first {2 * report['transcripts']:,} transcripts (peak) "
        f"| {after['rss_mib']:.1f} MiB ({after['peak_mib']:.1f} MiB) |",
        f"| resident memory at the end, after the clients at once (peak) | {end['rss_mib']:.1f} MiB "
        f"({end['peak_mib']:.1f} MiB) |",
        f"| vosk, sounddevice or pyttsx3 imported | {heavy} |",
        f"| SIGTERM with a client connected, until the process is gone (exit status) "
        f"| {report['stop_s']:.2f} s ({report['exit_status']}) |",
        "",
        f"| lock-out: {attack['connections']:,} idle connections held (1 in 11 sending pings) against a "
        f"service with {attack['open_file_limit']:,} open files | figure |",
        "|---|---|",
        f"| Home Assistant's describe (4 tries of 1 s) answered after | {described} "
        f"(try {attack['describe_tries']}) |",
        f"| files the service had open | {attack['service_open_files']} |",
        f"| its log | {attack['log_bytes']:,} bytes, {attack['log_lines']} lines, {attack['tracebacks']} tracebacks |",
        f"| SIGTERM until the process is gone (exit status) | {attack['stop_s']:.2f} s ({attack['exit_status']}) |",
    ]
    return "\n".join(rows)


def ms(value: float) -> str:
    return f"{value:.2f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=1000,
                        help="transcripts in each of the two sequential runs (default 1000: 2,000 in all)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    load_before = os.getloadavg()
    report = run(args.transcripts)
    report["lock_out"] = lock_out()
    report.update(machine=machine(), load_before=load_before, load_after=os.getloadavg())
    print_report(report, args.json, table)
    attack = report["lock_out"]
    held_out = attack["describe_s"] is not None and attack["tracebacks"] == 0
    return 0 if not report["heavy_imported"] and report["exit_status"] == 0 and held_out else 1


if __name__ == "__main__":
    raise SystemExit(main())
