"""Throughput and acknowledgement latency of `commerce-webhooks serve`: 16 concurrent senders
(keep-alive connections on 127.0.0.1) post signed Zoom events as fast as the receiver answers;
each event is acknowledged only after its commit to the spool is on disk. Baseline, in the same
run and with the same senders: a bare Starlette app on the same uvicorn that reads the body and
answers 200 (no verification, no storage), i.e. the server's own ceiling on this machine.

Prints events/s, p50/p99/max acknowledgement latency, and the ratio to the baseline; checks the
spool holds every event exactly once. The aims (issue 13): >= 1000 events/s and p99 < 100 ms.

Usage: benchmarks/webhooks.py [--events 20000] [--senders 16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from commerce_webhooks.process import ReceiverProcess, free_port, wait_until_healthy
from commerce_webhooks.signing import signature

SECRET = "bench-secret-token"


def event_body(index: int) -> bytes:
    return json.dumps(
        {
            "event": "commerce.quote_status_changed",
            "event_ts": 1767225600000 + index,
            "event_id": str(uuid.uuid4()),
            "payload": {
                "account_id": "bench-account",
                "quote": {"quote_reference_id": f"QR-{index}", "status": "approved"},
            },
        },
        separators=(",", ":"),
    ).encode()


def request_bytes(port: int, body: bytes) -> bytes:
    timestamp = str(int(time.time()))
    head = (
        f"POST /webhooks/zoom HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Type: application/json\r\nUser-Agent: Zoom Marketplace/1.0a\r\n"
        f"x-zm-request-timestamp: {timestamp}\r\n"
        f"x-zm-signature: {signature(SECRET.encode(), timestamp, body)}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def sender(port: int, requests_: list[bytes], latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for raw in requests_:
        started = time.perf_counter()
        writer.write(raw)
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        await reader.readexactly(length)
        latencies.append(time.perf_counter() - started)
        if status != 200:
            raise RuntimeError(f"the receiver answered {status}")
    writer.close()
    await writer.wait_closed()


async def load(port: int, events: int, senders: int) -> tuple[float, list[float]]:
    bodies = [request_bytes(port, event_body(index)) for index in range(events)]
    shares = [bodies[index::senders] for index in range(senders)]
    latencies: list[float] = []
    started = time.perf_counter()
    await asyncio.gather(*(sender(port, share, latencies) for share in shares))
    return time.perf_counter() - started, latencies


def measure(label: str, port: int, events: int, senders: int) -> dict:
    asyncio.run(load(port, min(events // 10, 2000), senders))  # warm-up: connections, caches
    seconds, latencies = asyncio.run(load(port, events, senders))
    quantiles = statistics.quantiles(latencies, n=100)
    result = {
        "events": events,
        "events_per_second": events / seconds,
        "p50_ms": quantiles[49] * 1000,
        "p99_ms": quantiles[98] * 1000,
        "max_ms": max(latencies) * 1000,
    }
    print(
        f"{label:<42} {result['events_per_second']:>8,.0f} events/s"
        f"   p50 {result['p50_ms']:6.1f} ms   p99 {result['p99_ms']:6.1f} ms"
        f"   max {result['max_ms']:6.1f} ms"
    )
    return result


def serve_baseline(port: int) -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    async def accept(request):
        await request.body()
        return Response(b'{"status":"received"}', media_type="application/json")

    async def health(request):
        return Response(b"{}", media_type="application/json")

    app = Starlette(
        routes=[Route("/webhooks/zoom", accept, methods=["POST"]), Route("/healthz", health)]
    )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def baseline(events: int, senders: int) -> dict:
    port = free_port()
    process = subprocess.Popen([sys.executable, __file__, "--serve-baseline", str(port)])
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", process, timeout=30)
        return measure("baseline: bare uvicorn app, answers 200", port, events, senders)
    finally:
        process.terminate()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--senders", type=int, default=16)
    parser.add_argument("--serve-baseline", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.serve_baseline:
        serve_baseline(arguments.serve_baseline)
        return
    print(f"{arguments.senders} concurrent senders, {arguments.events} signed events, 127.0.0.1")
    reference = baseline(arguments.events, arguments.senders)
    with tempfile.TemporaryDirectory(prefix="bench-webhooks-") as work:
        spool = Path(work) / "spool.db"
        with ReceiverProcess(spool, SECRET) as receiver:
            ours = measure(
                "commerce-webhooks: verify, commit, ack",
                receiver.port,
                arguments.events,
                arguments.senders,
            )
        with sqlite3.connect(spool) as connection:
            stored, distinct = connection.execute(
                "SELECT count(*), count(DISTINCT event_id) FROM events"
            ).fetchone()
    warm_up = min(arguments.events // 10, 2000)
    print(f"spool: {stored} events stored, {distinct} distinct (sent {arguments.events + warm_up})")
    throughput = ours["events_per_second"] / reference["events_per_second"]
    print(
        f"ratio commerce-webhooks / baseline: {throughput:.2f}x throughput,"
        f" p99 {ours['p99_ms'] / reference['p99_ms']:.1f}x"
    )
    aims = ours["events_per_second"] >= 1000 and ours["p99_ms"] < 100
    print(f"aims (>= 1000 events/s, p99 < 100 ms): {'met' if aims else 'NOT met'}")
    if stored != distinct or stored != arguments.events + warm_up:
        sys.exit("the spool does not hold every event exactly once")


if __name__ == "__main__":
    main()
