"""`commerce-sandbox serve`: the vendor simulations on one local port."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path

from commerce_sandbox.clock import START_DAY_ENV, parse_start_day
from commerce_sandbox.server import SandboxServer
from commerce_sandbox.vendors import VENDORS


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="commerce-sandbox")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the simulated vendor APIs")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    serve.add_argument("--seed", type=int, default=1)
    serve.add_argument(
        "--scale", type=int, default=50, help="accounts (customers) per vendor world"
    )
    serve.add_argument(
        "--start-day",
        type=parse_start_day,
        help="the simulated clock's first day, YYYY-MM-DD (default: 40 days before today, or "
        f"${START_DAY_ENV})",
    )
    serve.add_argument(
        "--accounts",
        type=lambda text: tuple(filter(None, text.split(","))),
        default=(),
        help="more accounts of every vendor, e.g. eu,us: each a world of its own, opened by the "
        "demo credentials with .<account> appended",
    )
    serve.add_argument("--latency-ms", type=int, default=0, help="delay added to every API answer")
    serve.add_argument("--rate-limit-per-minute", type=int, help="requests per minute before 429s")
    serve.add_argument("--ready-file", type=Path, help="write the base URL here once listening")
    serve.add_argument("--verbose", action="store_true", help="log one line per request")
    arguments = parser.parse_args(argv)

    logging.basicConfig(
        level=logging.DEBUG if arguments.verbose else logging.INFO,
        format="%(asctime)s %(name)s %(message)s",
    )
    settings = {"latency_ms": arguments.latency_ms}
    if arguments.rate_limit_per_minute is not None:
        settings["rate_limit_per_minute"] = arguments.rate_limit_per_minute
    server = SandboxServer(
        seed=arguments.seed,
        scale=arguments.scale,
        host=arguments.host,
        port=arguments.port,
        setting_defaults=dict.fromkeys(VENDORS, settings),
        start_day=arguments.start_day,
        accounts=arguments.accounts,
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if arguments.ready_file:
        arguments.ready_file.write_text(server.url)
    print(f"commerce-sandbox listening on {server.url}", flush=True)
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
