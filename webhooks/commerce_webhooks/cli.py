"""`commerce-webhooks serve --host 127.0.0.1 --port 8790 --spool output/zoom-webhooks.db`; the
secret token comes from ZOOM_WEBHOOK_SECRET_TOKEN only (never an option: command lines are visible
to every user of the machine), and is never logged."""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
from pathlib import Path

import uvicorn

from commerce_webhooks.app import create_app
from commerce_webhooks.spool import Spool

SECRET_VARIABLE = "ZOOM_WEBHOOK_SECRET_TOKEN"
EXIT_CONFIG = 2


def _fail(message: str) -> None:
    print(f"commerce-webhooks: {message}", file=sys.stderr)
    sys.exit(EXIT_CONFIG)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="commerce-webhooks", description="The receiver of Zoom Commerce webhooks."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="verify, spool and acknowledge Zoom's webhooks")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8790, help="port to listen on (8790)")
    serve.add_argument(
        "--spool",
        type=Path,
        default=Path("output/zoom-webhooks.db"),
        help="the SQLite spool events are committed to (output/zoom-webhooks.db)",
    )
    args = parser.parse_args(argv)
    secret = os.environ.get(SECRET_VARIABLE, "")
    if not secret:
        _fail(
            f"{SECRET_VARIABLE} is not set; set it to the Secret Token of the Zoom app "
            "(Features > Access > Secret Token)"
        )
    try:
        spool = Spool(args.spool)
    except (OSError, sqlite3.Error) as error:
        _fail(f"--spool {args.spool}: not a writable SQLite spool ({error}); choose another path")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("commerce_webhooks").info(
        "receiving Zoom webhooks at http://%s:%d/webhooks/zoom, spool %s",
        args.host,
        args.port,
        args.spool,
    )
    uvicorn.run(
        create_app(secret.encode(), spool),
        host=args.host,
        port=args.port,
        log_config=None,  # the logging set up above: one format for uvicorn's lines and ours
        access_log=False,  # refusals are logged with their reason; accepted events at debug
        server_header=False,
    )


if __name__ == "__main__":
    main()
