"""The HTTP server: control surface, vendor routing, request counters, fault plan, latency."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import gc
import json
import logging
import socket
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from commerce_sandbox.accounts import DEFAULT_ACCOUNT, account_of, check_account_name, slot_name
from commerce_sandbox.clock import Clock, default_start_day
from commerce_sandbox.control import SandboxControl
from commerce_sandbox.encoding import encode
from commerce_sandbox.faults import STATUS_KINDS, FaultPlan
from commerce_sandbox.vendor import Request, Response, Vendor
from commerce_sandbox.vendors import all_vendors

access_log = logging.getLogger("commerce_sandbox.access")


@dataclass
class VendorSlot:
    vendor: Vendor
    faults: FaultPlan = field(default_factory=FaultPlan)
    requests: Counter = field(default_factory=Counter)  # "METHOD /path" -> requests served
    statuses: Counter = field(default_factory=Counter)  # HTTP status -> responses sent


class Sandbox:
    """Every vendor world, the one clock they share, and what the control surface changes.

    Each vendor serves its default account and one more per name in `accounts` (each a world of
    its own: commerce_sandbox.accounts); `slots` holds them by their control-surface name
    (`zoho`, `zoho.eu`). `setting_defaults` (per vendor prefix, for every account) survive
    resets: they are how the command line sets a server's baseline (latency, rate limit). The
    start day is the clock's first day, fixed for the server's life (clock.default_start_day when
    not given)."""

    def __init__(
        self,
        seed: int,
        scale: int,
        setting_defaults: dict[str, dict[str, Any]] | None = None,
        start_day: dt.date | None = None,
        accounts: tuple[str, ...] = (),
    ) -> None:
        self.lock = threading.RLock()
        self.accounts = tuple(check_account_name(account) for account in accounts)
        self.setting_defaults = setting_defaults or {}
        self.start_day = start_day or default_start_day()
        self.reset(seed, scale)

    def reset(self, seed: int, scale: int) -> None:
        with self.lock:
            self.seed, self.scale = seed, scale
            self.clock = Clock(self.start_day)
            # Worlds are millions of small objects that live until the next reset: the cyclic
            # collector would rescan them over and over while they are built, and after.
            gc.disable()
            try:
                self.slots = {
                    slot_name(vendor.prefix, vendor.account): VendorSlot(vendor)
                    for vendor in all_vendors(seed, scale, self.clock, self.accounts)
                }
            finally:
                gc.enable()
            gc.collect()
            gc.freeze()
            for slot in self.slots.values():
                slot.vendor.settings.update(self.setting_defaults.get(slot.vendor.prefix, {}))

    def slot_for(self, prefix: str, request: Request) -> VendorSlot | None:
        """The world of the vendor's account whose credentials or token `request` carries."""
        return self.slots.get(slot_name(prefix, account_of(request.carried(), self.accounts)))

    def advance(self, seconds: float) -> dict[str, Any]:
        with self.lock:
            start, end = self.clock.advance(seconds)
            return {prefix: slot.vendor.advance(start, end) for prefix, slot in self.slots.items()}


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _control(sandbox: Sandbox, method: str, action: str, body: bytes) -> Response:
    try:
        arguments = json.loads(body) if body else {}
    except ValueError:
        raise ControlError(400, "the body is not JSON") from None
    parts = action.split("/")

    def slot(prefix: str) -> VendorSlot:
        if prefix not in sandbox.slots:
            raise ControlError(404, f"no vendor {prefix!r}; known: {', '.join(sandbox.slots)}")
        return sandbox.slots[prefix]

    match method, parts:
        case "POST", ["reset"]:
            sandbox.reset(
                int(arguments.get("seed", sandbox.seed)), int(arguments.get("scale", sandbox.scale))
            )
            return Response(200, {"now": sandbox.clock.iso()})
        case "POST", ["advance"]:
            seconds = float(arguments.get("days", 0)) * 86400 + float(arguments.get("seconds", 0))
            if seconds < 0:
                raise ControlError(400, "the clock only moves forward")
            return Response(200, sandbox.advance(seconds))
        case "GET", ["accounts"]:
            return Response(200, {"accounts": [DEFAULT_ACCOUNT, *sandbox.accounts]})
        case "GET", ["clock"]:
            return Response(
                200, {"now": sandbox.clock.iso(), "start_day": sandbox.start_day.isoformat()}
            )
        case "GET", ["truth", prefix, stream]:
            records = slot(prefix).vendor.truth(stream)
            if records is None:
                raise ControlError(404, f"no stream {stream!r} at {prefix}")
            return Response(200, {"records": records})
        case "GET", ["stats"]:
            return Response(
                200, {prefix: dict(each.requests) for prefix, each in sandbox.slots.items()}
            )
        case "GET", ["statuses"]:
            return Response(
                200,
                {
                    prefix: {str(status): count for status, count in each.statuses.items()}
                    for prefix, each in sandbox.slots.items()
                },
            )
        case "POST", ["stats", "reset"]:
            for each in sandbox.slots.values():
                each.requests.clear()
                each.statuses.clear()
            return Response(200, {})
        case "POST", ["faults", prefix]:
            try:
                slot(prefix).faults.add(arguments.get("faults", []))
            except (KeyError, TypeError, ValueError) as error:
                raise ControlError(400, f"bad fault plan: {error}") from None
            return Response(200, {"pending": len(slot(prefix).faults.pending)})
        case "POST", ["config", prefix]:
            slot(prefix).vendor.settings.update(arguments)
            return Response(200, slot(prefix).vendor.settings)
    raise ControlError(404, f"unknown control {method} /_control/{action}")


class Handler(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive (a tap reuses one connection for every page). Request heads are
    parsed and answers written by hand: the stdlib's email-based header parser and per-header
    writes cost more than serving a cached page."""

    protocol_version = "HTTP/1.1"
    server: SandboxHTTPServer
    headers: dict[str, str]  # lower-cased names (the stdlib would hold an email Message)

    def log_message(self, format: str, *args: Any) -> None:
        access_log.debug("%s " + format, self.address_string(), *args)

    def parse_request(self) -> bool:
        words = self.raw_requestline.decode("latin-1").split()
        self.requestline = " ".join(words)
        self.command = self.request_version = ""
        if len(words) != 3 or not words[2].startswith("HTTP/1."):
            self.send_error(400, "Bad request line")
            return False
        self.command, self.path, self.request_version = words
        self.headers = {}
        while True:
            line = self.rfile.readline(65537)
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            self.headers[name.strip().lower()] = value.strip()
        connection = self.headers.get("connection", "").lower()
        self.close_connection = connection == "close" or (
            self.request_version == "HTTP/1.0" and connection != "keep-alive"
        )
        if self.headers.get("expect", "").lower() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        return True

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        sandbox = self.server.sandbox
        if url.path.startswith("/_control/"):
            with sandbox.lock:
                try:
                    response = _control(sandbox, method, url.path.removeprefix("/_control/"), body)
                except ControlError as error:
                    response = Response(error.status, {"error": str(error)})
            self._send(response)
            return
        prefix, _, rest = url.path.lstrip("/").partition("/")
        path = "/" + rest
        request = Request(
            method, path, parse_qs(url.query, keep_blank_values=True), self.headers, body
        )
        slot = sandbox.slot_for(prefix, request)
        if slot is None:
            self._send(Response(404, {"error": f"no vendor at /{prefix}"}))
            return
        with sandbox.lock:
            slot.requests[f"{method} {path}"] += 1
            fault = slot.faults.take(path)
            if fault and fault.kind == "expire_token":
                slot.vendor.expire_token(request)
            if fault and fault.kind == "200_error" and not slot.vendor.errors_inside_200:
                fault = dataclasses.replace(fault, kind="500")
            if fault and fault.kind in STATUS_KINDS:
                response = slot.vendor.fault_response(fault)
            else:
                response = slot.vendor.handle(request)
                if fault and fault.kind == "surprise" and response.content_type.endswith("json"):
                    raw = response.raw
                    body = (
                        json.loads(raw, parse_float=Decimal) if raw is not None else response.body
                    )
                    response = dataclasses.replace(
                        response, body=fault.surprise(copy.deepcopy(body)), raw=None
                    )
            slot.statuses[response.status] += 1
            latency = float(slot.vendor.settings.get("latency_ms", 0)) / 1000
        # Sleeps happen outside the lock: one slow answer must not hold up other clients.
        if latency:
            time.sleep(latency)
        if fault and fault.kind == "stall":
            time.sleep(fault.seconds)
        self._send(response, truncate=bool(fault and fault.kind == "truncate"))

    def _send(self, response: Response, truncate: bool = False) -> None:
        payload = response.raw if response.raw is not None else encode(response.body)
        reason = self.responses.get(response.status, ("",))[0]
        head = [
            f"HTTP/1.1 {response.status} {reason}",
            f"Content-Type: {response.content_type}",
            f"Content-Length: {len(payload)}",
            *(f"{name}: {value}" for name, value in response.headers.items()),
        ]
        if self.close_connection or truncate:
            head.append("Connection: close")
        if access_log.isEnabledFor(logging.DEBUG):
            self.log_request(response.status, len(payload))
        data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
        try:
            if truncate:  # the full length announced, half of it sent, then the connection cut
                self.wfile.write(data + payload[: len(payload) // 2])
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.wfile.write(data + payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (e.g. during a stall)
            self.close_connection = True


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        super().__init__(address, Handler)
        self.sandbox = sandbox

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client killed mid-request (a test's SIGKILL) resets its connection: no traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class SandboxServer:
    """The sandbox on a local port; `with SandboxServer(seed=1, scale=50) as sandbox:` serves it
    from a background thread, `serve_forever()` from the calling one (the command line);
    `accounts=("eu",)` serves a second account of every vendor."""

    def __init__(
        self,
        seed: int = 1,
        scale: int = 50,
        host: str = "127.0.0.1",
        port: int = 0,
        setting_defaults: dict[str, dict[str, Any]] | None = None,
        start_day: dt.date | None = None,
        accounts: tuple[str, ...] = (),
    ) -> None:
        self.sandbox = Sandbox(seed, scale, setting_defaults, start_day, accounts)
        self.http = SandboxHTTPServer((host, port), self.sandbox)
        self.url = f"http://{host}:{self.http.server_port}"
        self._thread: threading.Thread | None = None

    @property
    def control(self) -> SandboxControl:
        return SandboxControl(self.url)

    def serve_forever(self) -> None:
        try:
            self.http.serve_forever()
        finally:
            self.http.server_close()

    def __enter__(self) -> SandboxServer:
        self._thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.http.shutdown()
        self.http.server_close()
