"""`commerce-sandbox serve`: the vendor simulations on one local port."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from commerce_sandbox.server import SandboxServer


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="commerce-sandbox")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the simulated vendor APIs")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    serve.add_argument("--seed", type=int, default=1)
    serve.add_argument("--scale", type=int, default=50, help="accounts per vendor world")
    serve.add_argument("--latency-ms", type=int, default=0, help="delay added to every API answer")
    serve.add_argument("--ready-file", type=Path, help="write the base URL here once listening")
    arguments = parser.parse_args(argv)

    server = SandboxServer(seed=arguments.seed, scale=arguments.scale, host=arguments.host, port=arguments.port)
    for slot in server.sandbox.slots.values():
        slot.vendor.settings["latency_ms"] = arguments.latency_ms
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if arguments.ready_file:
        arguments.ready_file.write_text(server.url)
    print(f"commerce-sandbox listening on {server.url}", flush=True)
    try:
        server.http.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.http.server_close()
