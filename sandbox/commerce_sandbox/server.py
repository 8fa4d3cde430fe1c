"""The HTTP server: control surface, vendor routing, request counters, fault injection, latency."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import simplejson

from commerce_sandbox.clock import Clock
from commerce_sandbox.vendors import Request, Response, Vendor, all_vendors

MAX_STALL_SECONDS = 60


@dataclass
class Fault:
    kind: str
    count: int = 1
    path: str = ""
    reset_header: bool = True
    seconds: float = 10

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Fault:
        known = {name: body[name] for name in ("count", "path", "reset_header", "seconds") if name in body}
        return cls(kind=str(body["kind"]), **known)


@dataclass
class VendorSlot:
    vendor: Vendor
    faults: list[Fault] = field(default_factory=list)
    requests: Counter = field(default_factory=Counter)

    def take_fault(self, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.count > 0 and fault.path in path:
                fault.count -= 1
                return fault
        return None


class Sandbox:
    """Every vendor world, the one clock they share, and what the control surface changes."""

    def __init__(self, seed: int, scale: int) -> None:
        self.lock = threading.RLock()
        self.reset(seed, scale)

    def reset(self, seed: int, scale: int) -> None:
        with self.lock:
            self.seed, self.scale = seed, scale
            self.clock = Clock()
            self.slots = {vendor.prefix: VendorSlot(vendor) for vendor in all_vendors(seed, scale, self.clock)}

    def advance(self, seconds: float) -> dict[str, Any]:
        with self.lock:
            start, end = self.clock.advance(seconds)
            return {prefix: slot.vendor.advance(start, end) for prefix, slot in self.slots.items()}


def _encode(body: Any) -> bytes:
    # simplejson writes Decimals as their exact digits: money never passes through float.
    return simplejson.dumps(body, use_decimal=True, separators=(",", ":")).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: SandboxHTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read their own logs
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        sandbox = self.server.sandbox
        if url.path.startswith("/_control/"):
            with sandbox.lock:
                response = self._control(method, url.path.removeprefix("/_control/"), body)
            self._send(response)
            return
        prefix, _, rest = url.path.lstrip("/").partition("/")
        slot = sandbox.slots.get(prefix)
        if slot is None:
            self._send(Response(404, {"error": f"no vendor at /{prefix}"}))
            return
        path = "/" + rest
        request = Request(method, path, parse_qs(url.query, keep_blank_values=True),
                          dict(self.headers.items()), body)
        with sandbox.lock:
            slot.requests[f"{method} {path}"] += 1
            fault = slot.take_fault(path)
            if fault and fault.kind == "expire_token":
                slot.vendor.expire_token(request)
            if fault and fault.kind in ("429", "500", "502", "503"):
                response = slot.vendor.fault_response(int(fault.kind), fault.reset_header)
            else:
                response = slot.vendor.handle(request)
            latency = slot.vendor.settings.get("latency_ms", 0) / 1000
        if latency:
            time.sleep(latency)
        if fault and fault.kind == "stall":
            time.sleep(min(fault.seconds, MAX_STALL_SECONDS))
        self._send(response, truncate=bool(fault and fault.kind == "truncate"))

    def _control(self, method: str, action: str, body: bytes) -> Response:
        sandbox = self.server.sandbox
        arguments = json.loads(body) if body else {}
        parts = action.split("/")
        if method == "POST" and parts == ["reset"]:
            sandbox.reset(int(arguments.get("seed", sandbox.seed)), int(arguments.get("scale", sandbox.scale)))
            return Response(200, {"now": sandbox.clock.iso()})
        if method == "POST" and parts == ["advance"]:
            seconds = float(arguments.get("days", 0)) * 86400 + float(arguments.get("seconds", 0))
            return Response(200, sandbox.advance(seconds))
        if method == "GET" and parts == ["clock"]:
            return Response(200, {"now": sandbox.clock.iso()})
        if method == "GET" and parts[0] == "truth" and len(parts) == 3 and parts[1] in sandbox.slots:
            records = sandbox.slots[parts[1]].vendor.truth(parts[2])
            if records is None:
                return Response(404, {"error": f"no stream {parts[2]}"})
            return Response(200, {"records": records})
        if method == "GET" and parts == ["stats"]:
            return Response(200, {prefix: dict(slot.requests) for prefix, slot in sandbox.slots.items()})
        if method == "POST" and parts == ["stats", "reset"]:
            for slot in sandbox.slots.values():
                slot.requests.clear()
            return Response(200, {})
        if method == "POST" and parts[0] in ("faults", "config") and len(parts) == 2 and parts[1] in sandbox.slots:
            slot = sandbox.slots[parts[1]]
            if parts[0] == "faults":
                slot.faults.extend(Fault.from_json(fault) for fault in arguments.get("faults", []))
            else:
                slot.vendor.settings.update(arguments)
            return Response(200, {})
        return Response(404, {"error": f"unknown control {method} {action}"})

    def _send(self, response: Response, truncate: bool = False) -> None:
        payload = response.raw if response.raw is not None else _encode(response.body)
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if truncate:  # the full length announced, half of it sent, then the connection cut
                self.wfile.write(payload[: len(payload) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (e.g. a stall)
            self.close_connection = True


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        super().__init__(address, Handler)
        self.sandbox = sandbox


class SandboxServer:
    """The sandbox in a background thread: `with SandboxServer(seed=1, scale=50) as sandbox:`."""

    def __init__(self, seed: int = 1, scale: int = 50, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sandbox = Sandbox(seed, scale)
        self.http = SandboxHTTPServer((host, port), self.sandbox)
        self.url = f"http://{host}:{self.http.server_port}"
        self._thread = threading.Thread(target=self.http.serve_forever, daemon=True)

    @property
    def control(self):
        from commerce_sandbox.control import SandboxControl

        return SandboxControl(self.url)

    def __enter__(self) -> SandboxServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.http.shutdown()
        self.http.server_close()
