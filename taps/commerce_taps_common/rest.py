"""The REST stream base every tap's vendor client derives from: auth shared across streams,
pacing before the rate limit, retries with backoff and jitter (honouring the vendor's wait),
bodies checked before they are trusted, errors that name the endpoint and the vendor's text."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cached_property
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlparse

import msgspec
import requests
from singer_sdk import RESTStream, metrics
from singer_sdk import singerlib as singer
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.helpers.jsonpath import extract_jsonpath
from singer_sdk.helpers.types import Context
from singer_sdk.pagination import SinglePagePaginator
from singer_sdk.streams.rest import HTTPRequest, PageContext

from commerce_taps_common.http.concurrency import Item, Result, batches, map_bounded
from commerce_taps_common.http.listing import Listing, ListingPage, keep_parsed_body, parsed_body
from commerce_taps_common.http.pacing import Pacer, retry_after_seconds
from commerce_taps_common.records.normalise import record_normaliser, to_iso_date
from commerce_taps_common.records.shape import RecordShaper
from commerce_taps_common.reporting.run_hooks import ReportingStream
from commerce_taps_common.sdk import stream_version, utc_now
from commerce_taps_common.state import Rotation

if TYPE_CHECKING:
    from commerce_taps_common.http.auth import OAuthTokenAuth
    from commerce_taps_common.tap import CommerceTap

MAX_BACKOFF_SECONDS = 60
# msgspec parses a page ~3x faster than the json module; numbers with a fraction become Decimal.
JSON_BODY = msgspec.json.Decoder(float_hook=decimal.Decimal)


class CommerceRESTStream(ReportingStream, RESTStream):
    """Vendor clients set `records_jsonpath`, `vendor_error_text`, and the paginator."""

    #: Seconds before the first retry; doubles each time (capped), plus jitter.
    backoff_base_seconds: float = 1.0
    #: Name of the header holding the seconds until the rate-limit window resets.
    rate_limit_reset_header = "ratelimit-reset"
    #: Days re-read behind a bookmark when the tap's `lookback_days` setting is not given.
    default_lookback_days = 0
    # The normaliser and the shaper guarantee the schema's types (shape.py): the SDK's per-record
    # conformance would repeat that work and drop the fields the shaper keeps in _sdc_extra.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE

    @property
    def timeout(self) -> int:
        return int(self.config.get("request_timeout", 90))

    def backoff_max_tries(self) -> int:
        return 8

    @property
    def tap(self) -> CommerceTap:
        return cast("CommerceTap", super().tap)

    @property
    def authenticator(self) -> OAuthTokenAuth:
        return self.tap.authenticator  # one token per run, shared by every stream

    @cached_property
    def _normalise(self) -> Callable[[dict[str, Any]], dict[str, Any]]:
        return record_normaliser(self.schema)

    @cached_property
    def shaper(self) -> RecordShaper:
        return RecordShaper(self.name, self.schema, self.primary_keys or (), self.logger)

    @cached_property
    def _nothing_deselected(self) -> bool:
        return all(self.mask.values())

    def record_messages(self, record: dict[str, Any]) -> Iterator[singer.RecordMessage]:
        # The SDK walks every record to pop deselected properties; when nothing is deselected
        # (the usual catalog) that walk changes nothing and costs ~10% of the tap's CPU.
        if not self._nothing_deselected:
            yield from super().record_messages(record)
            return
        for stream_map in self.stream_maps:
            mapped = stream_map.transform(record)
            if mapped is not None:
                yield singer.RecordMessage(
                    stream=stream_map.stream_alias,
                    record=mapped,
                    version=stream_version(self),
                    time_extracted=utc_now(),
                )

    def pacer_for(self, request: requests.PreparedRequest) -> Pacer:
        """The pacer a request waits on (vendors with limits per kind of endpoint override this)."""
        return self.tap.pacer

    def before_send(self, request: requests.PreparedRequest) -> None:
        """Called before every attempt of every request, retries included: waits for the pace.
        Vendors that need per-attempt headers extend it."""
        self.count_request(waited_seconds=self.pacer_for(request).before_request())

    def send_request(
        self, request: requests.PreparedRequest, context: Context | None = None
    ) -> requests.Response:
        """One attempt: paced, authenticated with the current token (renewed after a 401),
        sent, and checked by `validate_response` (`context`, unused: the SDK's request_decorator
        wraps functions of a request and a context)."""
        self.before_send(request)
        try:
            response = self.requests_session.send(
                self.authenticator(request),
                timeout=self.timeout,
                allow_redirects=self.allow_redirects,
            )
        except BaseException:
            self.pacer_for(request).unanswered()
            raise
        self.log_request_duration(response)
        self.validate_response(response)
        return response

    def log_request_duration(self, response: requests.Response) -> None:
        """The SDK's `http_request_duration` METRIC point, one per attempt (at debug level)."""
        failed = response.status_code >= HTTPStatus.BAD_REQUEST
        metrics.log(
            metrics.get_metrics_logger(),
            metrics.Point(
                "timer",
                metric=metrics.Metric.HTTP_REQUEST_DURATION,
                value=response.elapsed.total_seconds(),
                tags={
                    metrics.Tag.STREAM: self.name,
                    metrics.Tag.ENDPOINT: self.path,
                    metrics.Tag.HTTP_STATUS_CODE: response.status_code,
                    metrics.Tag.STATUS: metrics.Status.FAILED
                    if failed
                    else metrics.Status.SUCCEEDED,
                },
            ),
        )

    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        """The query of one page of a read: the read's context is its filters (e.g. one window
        and type), sent first; vendor clients add their paging parameters after them, and a
        stream whose context means something else (a partition sent as a body) overrides this."""
        return dict(context or {})

    def get_http_request(self, *, page: PageContext) -> HTTPRequest:
        """The SDK's request of one page (`get_url`, `get_url_params`, `prepare_request_payload`),
        on a `Listing`'s path when the page is one of another path's (`listing`)."""
        request = super().get_http_request(page=page)
        if isinstance(page, ListingPage):
            request.url = self.url_base + page.path
        return request

    def request_records(self, context: Context | None) -> Iterator[dict[str, Any]]:
        """Every row of the read `context` names, page after page with the stream's paginator,
        each page the SDK's `get_http_request`, paced, retried and checked like any request of the
        stream; rows as the API sent them. The SDK's own read with its context, or a read of the
        stream's path with a context of its own (`get_url_params` says what a context asks)."""
        return self.pages(lambda token: PageContext(context, token))

    def listing(self, listing: Listing) -> Iterator[dict[str, Any]]:
        """Every row of a read of another path than the stream's (a per-customer list, a
        directory): the same hooks as `request_records`, with `listing.params` as the context."""
        return self.pages(lambda token: ListingPage(dict(listing.params), token, listing.path))

    def pages(self, page_of: Callable[[Any], PageContext]) -> Iterator[dict[str, Any]]:
        """The rows of every page, `page_of(token)` naming each (the first token is None). The
        next page is requested as soon as this one's token is known, and fetched by a thread
        while this page's rows are shaped and written: still one request of the read in flight,
        but the vendor's time and the tap's overlap instead of adding up."""
        paginator = self.get_new_paginator() or SinglePagePaginator()
        fetcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="page")
        try:
            with self.get_http_request_counter() as counter:
                upcoming: Future[tuple[list[dict[str, Any]], requests.Response]] | None = None
                if not paginator.finished:
                    upcoming = fetcher.submit(self.page, page_of(paginator.current_value))
                while upcoming is not None:
                    rows, response = upcoming.result()
                    counter.increment()
                    upcoming = None
                    if rows or paginator.continue_if_empty(response):
                        paginator.advance(response)
                        if not paginator.finished:
                            upcoming = fetcher.submit(self.page, page_of(paginator.current_value))
                    yield from rows
        finally:
            # A reader that stops early (an error downstream) does not wait for the next page.
            fetcher.shutdown(wait=False, cancel_futures=True)

    def page(self, page: PageContext) -> tuple[list[dict[str, Any]], requests.Response]:
        """One page: its rows and the checked response (which the paginator reads for the next
        token)."""
        request = self.get_http_request(page=page)
        response = self.request_decorator(self.send_request)(
            self.build_prepared_request(
                method=request.method,
                url=request.url,
                params=request.encode_params(),
                headers=request.headers,
                json=request.data,
            ),
            None,
        )
        return list(self.parse_response(response)), response

    def all_rows(self, context: Context | None) -> list[dict[str, Any]]:
        """Every row of one read (`request_records`) at once (for reads run concurrently in
        worker threads)."""
        return list(self.request_records(context))

    def first_day(self, context: Context | None, origin: dt.date) -> dt.date:
        """The first whole day a date-filtered read asks for: on a later run the bookmark less
        `lookback_days`, on the first run `start_date`, and `origin` when neither is set."""
        bookmark = self.get_starting_replication_key_value(context)
        if not bookmark:
            return origin
        first = dt.date.fromisoformat(to_iso_date(str(bookmark)))
        if self.get_context_state(context).get("replication_key_value"):
            first -= dt.timedelta(
                days=int(self.config.get("lookback_days", self.default_lookback_days))
            )
        return first

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """One GET outside the stream's reads of lists (a detail), paced, retried and checked like
        the listing's; the parsed body."""
        request = self.build_prepared_request(
            method="GET",
            url=f"{self.url_base}{path}",
            params=params or {},
            headers=self.http_headers,
        )
        return parsed_body(self.request_decorator(self.send_request)(request, None))

    def concurrently(
        self, function: Callable[[Item], Result], items: Iterable[Item]
    ) -> Iterator[Result]:
        """`function` over `items`, `max_concurrency` calls in flight (default 8), in order."""
        return map_bounded(function, items, int(self.config.get("max_concurrency", 8)))

    def details(self, paths: Iterable[str]) -> Iterator[Any]:
        """The detail at each path (None where the vendor says there is none), fetched
        concurrently, in order."""
        return self.concurrently(self.get, paths)

    def with_details(
        self, rows: Iterable[dict[str, Any]], path: str
    ) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        """Each row with its detail at `path` formatted with the row's fields (`{}` where the
        vendor has none), a batch of rows' details fetched concurrently."""
        for batch in batches(rows):
            for row, detail in zip(
                batch, self.details(path.format(**row) for row in batch), strict=True
            ):
                yield row, detail or {}

    def setting(self, name: str) -> Any:
        """A setting's value, or the default the tap declares for it."""
        return self.config.get(name, self.tap.config_jsonschema["properties"][name].get("default"))

    def rotation(self, state: dict[str, Any], item: str) -> Rotation:
        """The rotation of `<item>_sweep_runs` and `<item>_sweep_budget`, kept in `state`; warns
        when the budget leaves a read its promise needs for the next run."""
        return Rotation(
            state,
            "sweep",
            int(self.setting(f"{item}_sweep_runs")),
            int(self.setting(f"{item}_sweep_budget")),
            lambda overdue: self.logger.warning(
                "%s: %d %ss reached the end of %s_sweep_runs but %s_sweep_budget is spent: "
                "they are read next run; raise either setting",
                self.name,
                overdue,
                item,
                item,
                item,
            ),
        )

    def vendor_error_text(self, body: Any) -> str | None:
        """The vendor's own error message from a response body, if it holds one."""
        return None

    def check_success_body(self, response: requests.Response, body: Any) -> None:
        """Vendors that report errors inside HTTP 200 bodies override this to raise
        RetriableAPIError or FatalAPIError."""

    def _describe(self, response: requests.Response, body: Any = None) -> str:
        """`GET /path: HTTP 400: <the vendor's own message>`."""
        try:
            text = self.vendor_error_text(response.json() if body is None else body)
        except ValueError:
            text = None
        text = text or response.text[:300].strip() or response.reason
        where = f"{response.request.method} {urlparse(response.url).path}"
        return f"{where}: HTTP {response.status_code}: {text}"

    def validate_response(self, response: requests.Response) -> None:
        self.pacer_for(response.request).after_response(response.headers)
        status = response.status_code
        if status == HTTPStatus.UNAUTHORIZED:
            # The token expired or was revoked early: a new one, then the same request again.
            self.authenticator.invalidate()
            raise RetriableAPIError(self._describe(response), response)
        if status == HTTPStatus.TOO_MANY_REQUESTS or status >= HTTPStatus.INTERNAL_SERVER_ERROR:
            raise RetriableAPIError(self._describe(response), response)
        if status >= HTTPStatus.BAD_REQUEST:
            raise FatalAPIError(self._describe(response))
        try:
            body = self.read_body(response)
        except ValueError as error:  # a body cut short on the way: ask again
            raise RetriableAPIError(
                f"{response.request.method} {urlparse(response.url).path}: unreadable body "
                f"({error})",
                response,
            ) from error
        self.check_success_body(response, body)
        keep_parsed_body(response, body)  # parse once: paginators and parse_response reuse it

    def read_body(self, response: requests.Response) -> Any:
        """The body of a successful answer (JSON, money as Decimal); ValueError if unreadable."""
        return JSON_BODY.decode(response.content)

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, Any]]:
        yield from extract_jsonpath(self.records_jsonpath, input=parsed_body(response))

    def post_process(
        self, row: dict[str, Any], context: Context | None = None
    ) -> dict[str, Any] | None:
        return self.shaper.shape(self._normalise(row))

    def backoff_wait_generator(self) -> Generator[float, Any, None]:
        """Exponential from `backoff_base_seconds`; a 429 waits what the vendor asks instead."""
        attempt = 0
        # backoff primes the generator with a bare yield (None) before asking for the first wait.
        exception = yield  # type: ignore[misc]
        while True:
            response = getattr(exception, "response", None)
            wait = None
            if response is not None and response.status_code == HTTPStatus.TOO_MANY_REQUESTS:
                wait = retry_after_seconds(response.headers, self.rate_limit_reset_header)
            if wait is None:
                wait = min(self.backoff_base_seconds * 2**attempt, MAX_BACKOFF_SECONDS)
            attempt += 1
            exception = yield wait
