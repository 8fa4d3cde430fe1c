"""The ASGI application (Starlette): `POST /webhooks/zoom` and `GET /healthz`.

Order of checks on every POST: size (a body over 1 MiB is not read further: 413), then the
signature and its timestamp (401, the answer saying nothing about why), then the body's shape
(400), and only then `endpoint.url_validation` is answered or the event committed. Nothing refused
is stored. An event is answered 200 only after its commit is on disk; a spool that cannot be
written answers 503, which Zoom retries."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeGuard

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from commerce_webhooks.signing import encrypted_token, signature_matches
from commerce_webhooks.spool import Spool, SpoolRow

logger = logging.getLogger("commerce_webhooks")

MAX_BODY_BYTES = 1024 * 1024
REPLAY_WINDOW_SECONDS = 300
VALIDATION_EVENT = "endpoint.url_validation"
# Events that arrive while a commit runs wait for the next one, which takes them all: one fsync
# for many events under concurrent deliveries, and no answer before its own commit.
MAX_GROUP = 512
ACK = Response(b'{"status":"received"}', media_type="application/json")


def _refusal(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)


UNAUTHORIZED = _refusal(401, "unauthorized")
TOO_LARGE = _refusal(413, "the body is larger than 1 MiB")
UNAVAILABLE = _refusal(503, "the event could not be stored; retry later")


class SpoolUnavailable(Exception):
    pass


class GroupCommitter:
    """Commits on one thread (the spool's one connection), many events per transaction."""

    def __init__(self, spool: Spool) -> None:
        self.spool = spool
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="spool")
        self._waiting: asyncio.Queue[tuple[SpoolRow, asyncio.Future]] = asyncio.Queue()

    async def store(self, row: SpoolRow) -> None:
        """Returns once `row` is committed; raises SpoolUnavailable if the commit failed."""
        done = asyncio.get_running_loop().create_future()
        self._waiting.put_nowait((row, done))
        await done

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            group = [await self._waiting.get()]
            while len(group) < MAX_GROUP and not self._waiting.empty():
                group.append(self._waiting.get_nowait())
            try:
                await loop.run_in_executor(
                    self._executor, self.spool.append, [row for row, _ in group]
                )
            except Exception as error:  # whatever failed, no event of the group is committed
                logger.error(
                    "spool %s not writable (%s: %s): answering 503 to %d event(s) so Zoom retries",
                    self.spool.path,
                    type(error).__name__,
                    error,
                    len(group),
                )
                for _, done in group:
                    if not done.done():
                        done.set_exception(SpoolUnavailable())
                continue
            for _, done in group:
                if not done.done():  # its request may have been cancelled (client gone)
                    done.set_result(None)

    async def writable(self) -> bool:
        try:
            await asyncio.get_running_loop().run_in_executor(self._executor, self.spool.probe)
        except sqlite3.Error as error:
            logger.error("spool %s not writable: %s", self.spool.path, error)
            return False
        return True

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        self.spool.close()


def _nonempty_string(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value)


async def _body_within_limit(request: Request) -> bytes | None:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(secret: bytes, spool: Spool, clock: Callable[[], float] = time.time) -> Starlette:
    committer = GroupCommitter(spool)

    def refuse(request: Request, response: Response, reason: str) -> Response:
        client = request.client.host if request.client else "?"
        logger.warning("refused %d from %s: %s", response.status_code, client, reason)
        return response

    async def zoom(request: Request) -> Response:
        body = await _body_within_limit(request)
        if body is None:
            return refuse(request, TOO_LARGE, "body over 1 MiB")
        timestamp = request.headers.get("x-zm-request-timestamp", "")
        header = request.headers.get("x-zm-signature", "")
        if not header or not signature_matches(secret, timestamp, body, header):
            return refuse(request, UNAUTHORIZED, "missing or wrong x-zm-signature")
        if not timestamp.isdigit() or abs(clock() - int(timestamp)) > REPLAY_WINDOW_SECONDS:
            return refuse(request, UNAUTHORIZED, f"request timestamp {timestamp!r} outside 5 min")
        try:
            event = json.loads(body.decode())  # UTF-8 only: the spool keeps the body as text
        except ValueError:  # UnicodeDecodeError included
            event = None
        if not isinstance(event, dict) or not _nonempty_string(event.get("event")):
            return refuse(request, _refusal(400, "the body is not a Zoom event"), "not an event")
        if event["event"] == VALIDATION_EVENT:
            payload = event.get("payload")
            plain = payload.get("plainToken") if isinstance(payload, dict) else None
            if not _nonempty_string(plain):
                return refuse(request, _refusal(400, "payload.plainToken is missing"), "no token")
            return JSONResponse(
                {"plainToken": plain, "encryptedToken": encrypted_token(secret, plain)}
            )
        if not _nonempty_string(event.get("event_id")):
            return refuse(request, _refusal(400, "event_id is missing"), "no event_id")
        try:
            await committer.store(SpoolRow.of(body, event))
        except SpoolUnavailable:
            return UNAVAILABLE
        logger.debug("stored %s %s", event["event"], event["event_id"])
        return ACK

    async def healthz(request: Request) -> Response:
        if await committer.writable():
            return JSONResponse({"status": "ok", "spool": str(spool.path)})
        return JSONResponse({"status": "spool not writable"}, status_code=503)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(committer.run())
        try:
            yield
        finally:
            task.cancel()
            committer.close()

    return Starlette(
        routes=[
            Route("/webhooks/zoom", zoom, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
