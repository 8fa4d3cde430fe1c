"""The vendors' own API descriptions (docs/vendor-specs/) judge the exchanges a sandbox recorded:
each request a tap sent (path, method, query parameters, security headers) and each answer the
sandbox gave (status, content type, body against the response schema), with openapi-core.

A finding the vendor's own pages contradict is a slip of the spec (SLIPS, documented with the
evidence in docs/vendor-specs/README.md); anything else is a violation, for the sandbox or the tap
to fix. `judge(exchanges)` returns both, with the counts per vendor."""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from jsonschema.exceptions import ValidationError as SchemaError
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.media_types.exceptions import MediaTypeNotFound
from openapi_core.templating.media_types.finders import MediaTypeFinder
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.templating.responses.finders import ResponseFinder
from openapi_core.validation.schemas import oas30_read_schema_validators_factory
from werkzeug.datastructures import Headers, ImmutableMultiDict

from commerce_sandbox.server import Exchange

SPECS = Path(__file__).resolve().parents[2] / "docs" / "vendor-specs"
SPEC_FILES = {
    "zuora": "zuora-quickstart-openapi-reduced.json",
    "zoom": "zoom-commerce-openapi-2026-02-07.json",
    "adobe": "adobe-vipmp-openapi3.json",
}
# Endpoints the taps call that their vendor's file does not describe (so nothing judges them):
# the token endpoints, and Adobe's v3 lists, price list and flexible discounts, newer than its
# Swagger file. A request elsewhere outside the file is a violation.
UNDESCRIBED = {
    "zuora": ("POST /oauth/token",),
    "zoom": ("POST /oauth/token",),
    "adobe": (
        "POST /ims/token/v3",
        "GET /v3/resellers",
        "GET /v3/resellers/{reseller-id}/customers",
        "GET /v3/customers/{customer-id}/deployments",
        "GET /v3/flex-discounts",
        "POST /v3/pricelist",
    ),
}


@dataclass(frozen=True)
class Finding:
    """One way an exchange departs from the spec: `field` is the body's path with list indexes
    dropped (`subscriptions[].links`), `rule` the JSON-schema keyword broken, or the check:
    "undeclared-query", "path" (no such operation), or openapi-core's error (`ResponseNotFound`,
    `SecurityValidationError`, ...)."""

    vendor: str
    operation: str  # "GET /commerce/invoices/{invoiceNumber}", as the spec spells it
    side: str  # "request" or "response"
    field: str
    rule: str

    def __str__(self) -> str:
        return f"{self.vendor} {self.operation} {self.side} {self.field or '(body)'}: {self.rule}"


@dataclass(frozen=True)
class Slip:
    """A finding where the vendor's spec contradicts the vendor's own pages: the data follows the
    pages. `evidence` says where (docs/vendor-specs/README.md holds the same table)."""

    finding: Finding
    evidence: str


def _slip(vendor: str, operation: str, field: str, rule: str, evidence: str) -> Slip:
    return Slip(Finding(vendor, operation, "response", field, rule), evidence)


LINKS = (
    "`links` typed array of ResourceLink; Adobe's Links reference and every sample show an "
    "object keyed self/next/prev"
)
SLIPS = (
    _slip(
        "zoom",
        "POST /commerce/catalog",
        "offers[].offer_products[].product_type",
        "enum",
        "the enum spells `add-on'` with a stray quote; the property's description says base and "
        "add-on",
    ),
    _slip(
        "zoom",
        "GET /commerce/deal_registrations",
        "",
        "required",
        "requires a property `dealReg` it never defines",
    ),
    _slip(
        "zoom",
        "GET /commerce/invoices/{invoiceNumber}",
        "target_date",
        "type",
        "`target_date` typed object; its example and format are a date string",
    ),
    _slip("adobe", "GET /v3/customers/{customer-id}/orders", "links", "type", LINKS),
    _slip("adobe", "GET /v3/customers/{customer-id}/subscriptions", "links", "type", LINKS),
)
SLIP_FINDINGS = frozenset(slip.finding for slip in SLIPS)


@dataclass
class VendorTally:
    requests: int = 0  # requests judged (their endpoint is in the spec)
    answers: int = 0  # answers judged
    undescribed: Counter = field(default_factory=Counter)  # endpoint -> requests not judged
    findings: Counter = field(default_factory=Counter)  # Finding -> exchanges showing it


@dataclass
class Verdict:
    tallies: dict[str, VendorTally] = field(default_factory=dict)
    seconds: float = 0  # time spent judging

    def tally(self, vendor: str) -> VendorTally:
        return self.tallies.setdefault(vendor, VendorTally())

    @property
    def violations(self) -> dict[Finding, int]:
        return {
            finding: count
            for tally in self.tallies.values()
            for finding, count in tally.findings.items()
            if finding not in SLIP_FINDINGS
        }

    @property
    def slips_seen(self) -> set[Finding]:
        return {
            finding
            for tally in self.tallies.values()
            for finding in tally.findings
            if finding in SLIP_FINDINGS
        }

    def merge(self, other: Verdict) -> None:
        self.seconds += other.seconds
        for vendor, theirs in other.tallies.items():
            ours = self.tally(vendor)
            ours.requests += theirs.requests
            ours.answers += theirs.answers
            ours.undescribed.update(theirs.undescribed)
            ours.findings.update(theirs.findings)

    def summary(self) -> str:
        lines = []
        for vendor, tally in sorted(self.tallies.items()):
            found = sum(tally.findings.values())
            slipped = sum(count for each, count in tally.findings.items() if each in SLIP_FINDINGS)
            lines.append(
                f"{vendor}: {tally.requests} requests and {tally.answers} answers judged, "
                f"{found - slipped} violations, {slipped} findings on "
                f"{len(SLIP_FINDINGS & set(tally.findings))} documented slips, "
                f"{sum(tally.undescribed.values())} requests to endpoints the spec lacks"
            )
        lines += [f"  violation x{count}: {finding}" for finding, count in self.violations.items()]
        lines.append(f"judged in {self.seconds:.1f} s")
        return "\n".join(lines)


@dataclass
class _Request:
    """openapi-core's request protocol over a recorded request."""

    host_url: str
    path: str
    method: str
    parameters: RequestParameters
    content_type: str
    body: bytes | None


@dataclass
class _Response:
    status_code: int
    content_type: str
    headers: Headers
    data: bytes | None


def _path_pattern(template: str) -> re.Pattern:
    """`/customers/{customer-id}` matches `/customers/P1005`."""
    return re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)))


@dataclass(frozen=True)
class _Operation:
    template: str
    pattern: re.Pattern
    method: str
    query: frozenset[str]  # the query parameters it declares
    # Whether a path parameter's value can break its schema (more than `type: string`): when
    # not, requests that differ only in their ids are judged alike.
    path_values_matter: bool

    @property
    def name(self) -> str:
        return f"{self.method} {self.template}"


def _constrains(parameter: dict[str, Any]) -> bool:
    schema = parameter.get("schema", {})
    return parameter["in"] == "path" and (
        set(schema) - {"type", "description", "example"} != set()
        or schema.get("type", "string") != "string"
    )


class SpecJudge:
    """One vendor's spec, loaded once: judges recorded exchanges with openapi-core.

    A request is judged by openapi-core's request validator once per distinct request (method,
    operation, query, header names, body; ids in the path too when their schema can refuse
    one). An answer is judged by openapi-core's own parts, the response and media type finders
    and its read-schema validator, the validator built once per operation, status and content
    type: openapi-core's whole response validation resolves the document again for every answer
    (10 ms each), and tests/integration/test_vendor_specs.py checks that both give the same
    findings."""

    def __init__(self, vendor: str) -> None:
        self.vendor = vendor
        text = (SPECS / SPEC_FILES[vendor]).read_text()
        document = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
        server = urlsplit(document["servers"][0]["url"])
        self.host_url = f"{server.scheme}://{server.netloc}"
        self.base_path = server.path.rstrip("/")
        # The documents themselves are checked once, by tests/integration/test_vendor_specs.py
        # (Zoom's repeats an enum value: invalid, harmless to judging data). None is
        # openapi-core's documented way to skip the check; its annotation omits it.
        unchecked = Config(spec_validator_cls=None)  # type: ignore[arg-type]
        self.openapi = OpenAPI.from_dict(document, config=unchecked)
        self.operations = [
            _Operation(
                template,
                _path_pattern(template),
                method.upper(),
                frozenset(each["name"] for each in parameters if each["in"] == "query"),
                any(_constrains(each) for each in parameters),
            )
            for template, item in document["paths"].items()
            for method, operation in item.items()
            if isinstance(operation, dict) and "responses" in operation
            for parameters in [[*item.get("parameters", []), *operation.get("parameters", [])]]
        ]
        self.undescribed = [
            (endpoint, endpoint.partition(" ")[0], _path_pattern(endpoint.partition(" ")[2]))
            for endpoint in UNDESCRIBED[vendor]
        ]
        self._request_findings: dict[tuple, frozenset[Finding]] = {}
        self._answer_schemas: dict[tuple, tuple[frozenset[Finding], Any]] = {}
        self._bodies: dict[tuple, frozenset[Finding]] = {}  # (kind, body digest) -> findings

    def _operation(self, method: str, path: str) -> _Operation | None:
        relative = path.removeprefix(self.base_path)
        for operation in self.operations:
            if operation.method == method and operation.pattern.fullmatch(relative):
                return operation
        return None

    def judge(self, exchange: Exchange, verdict: Verdict) -> None:
        tally = verdict.tally(self.vendor)
        request = exchange.request
        operation = self._operation(request.method, request.path)
        if operation is None:
            for endpoint, method, pattern in self.undescribed:
                if method == request.method and pattern.fullmatch(request.path):
                    tally.undescribed[endpoint] += 1
                    return
            path = Finding(self.vendor, f"{request.method} {request.path}", "request", "", "path")
            tally.findings[path] += 1
            return
        tally.requests += 1
        tally.answers += 1
        tally.findings.update(
            self.request_findings(operation, exchange) | self.answer_findings(operation, exchange)
        )

    def request_findings(self, operation: _Operation, exchange: Exchange) -> frozenset[Finding]:
        request = exchange.request
        shape = (
            operation.name,
            request.path if operation.path_values_matter else None,
            tuple(sorted((key, tuple(values)) for key, values in request.query.items())),
            frozenset(request.headers),
            request.body,
        )
        if shape not in self._request_findings:
            findings = {
                Finding(self.vendor, operation.name, "request", extra, "undeclared-query")
                for extra in set(request.query) - operation.query
            }
            for error in self.openapi.iter_request_errors(self._recorded(exchange)):
                findings |= self._findings(operation.name, "request", error)
            self._request_findings[shape] = frozenset(findings)
        return self._request_findings[shape]

    def answer_findings(self, operation: _Operation, exchange: Exchange) -> frozenset[Finding]:
        """openapi-core's response validation of the status, the content type and the body."""
        kind = (operation.name, exchange.status, exchange.content_type)
        if kind not in self._answer_schemas:
            self._answer_schemas[kind] = self._answer_schema(operation, exchange)
        findings, validator = self._answer_schemas[kind]
        if validator is None:
            return findings
        if not exchange.body:
            return findings | {Finding(self.vendor, operation.name, "response", "", "MissingData")}
        # A body met before (a page read again, unchanged) gets the verdict it got then.
        seen = (kind, hashlib.blake2b(exchange.body, digest_size=16).digest())
        if seen not in self._bodies:
            errors = [
                leaf
                for each in validator.iter_errors(json.loads(exchange.body))
                for leaf in _leaves(each)
            ]
            self._bodies[seen] = findings | {
                self._schema_finding(operation.name, "response", each) for each in errors
            }
        return self._bodies[seen]

    def _answer_schema(
        self, operation: _Operation, exchange: Exchange
    ) -> tuple[frozenset[Finding], Any]:
        """The findings every answer of this status and content type shares, and the validator
        of its body (None when the spec gives the answer no body schema)."""

        def finding(error: Exception) -> tuple[frozenset[Finding], None]:
            return frozenset(self._findings(operation.name, "response", error)), None

        responses = (
            self.openapi.spec
            / "paths"
            / operation.template
            / operation.method.lower()
            / "responses"
        )
        try:
            response = ResponseFinder(responses).find(str(exchange.status))
        except ResponseNotFound as error:
            return finding(error)
        if "content" not in response:
            return frozenset(), None
        try:
            media = MediaTypeFinder(response / "content").find(exchange.content_type)
        except MediaTypeNotFound as error:
            return finding(error)
        if "schema" not in media.media_type:
            return frozenset(), None
        factory = oas30_read_schema_validators_factory
        return frozenset(), factory.create(self.openapi.spec, media.media_type / "schema").validator

    def _recorded(self, exchange: Exchange) -> _Request:
        request = exchange.request
        return _Request(
            self.host_url,
            request.path,
            request.method.lower(),
            RequestParameters(
                query=ImmutableMultiDict(
                    [(key, value) for key, values in request.query.items() for value in values]
                ),
                header=Headers(request.headers),
                cookie=ImmutableMultiDict(),
            ),
            request.headers.get("content-type", ""),
            request.body or None,
        )

    def full_answer_findings(self, operation: _Operation, exchange: Exchange) -> set[Finding]:
        """openapi-core's own whole response validation (what `answer_findings` matches)."""
        answer = _Response(
            exchange.status,
            exchange.content_type,
            Headers({"Content-Type": exchange.content_type}),
            exchange.body,
        )
        findings: set[Finding] = set()
        for error in self.openapi.iter_response_errors(self._recorded(exchange), answer):
            findings |= self._findings(operation.name, "response", error)
        return findings

    def _findings(self, operation: str, side: str, error: Exception) -> set[Finding]:
        schema_errors = list(_schema_errors(error))
        if not schema_errors:
            where = getattr(error, "name", "")
            return {Finding(self.vendor, operation, side, where, type(error).__name__)}
        return {self._schema_finding(operation, side, each) for each in schema_errors}

    def _schema_finding(self, operation: str, side: str, error: SchemaError) -> Finding:
        where = ".".join(part if isinstance(part, str) else "[]" for part in error.absolute_path)
        return Finding(
            self.vendor, operation, side, where.replace(".[]", "[]"), str(error.validator)
        )


def _schema_errors(error: BaseException | None) -> Iterator[SchemaError]:
    while error is not None:
        for each in getattr(error, "schema_errors", ()) or ():
            yield from _leaves(each)
        error = error.__cause__


def _leaves(error: SchemaError) -> Iterator[SchemaError]:
    """The innermost errors of a oneOf/anyOf/allOf (what the value actually broke)."""
    if error.context:
        for each in error.context:
            yield from _leaves(each)
    else:
        yield error


@cache
def spec_judge(vendor: str) -> SpecJudge:
    return SpecJudge(vendor)


def judge(exchanges: Iterable[Exchange]) -> Verdict:
    """The verdict on `exchanges` of the vendors that publish a spec (Zoho publishes none)."""
    verdict = Verdict()
    started = time.perf_counter()
    for exchange in exchanges:
        if exchange.vendor in SPEC_FILES:
            spec_judge(exchange.vendor).judge(exchange, verdict)
    verdict.seconds = time.perf_counter() - started
    return verdict
