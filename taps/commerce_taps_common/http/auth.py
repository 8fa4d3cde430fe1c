"""OAuth 2.0 token flows shared by the taps.

One token per tap run, shared by every stream: fetched on first use, reused, renewed shortly
before it expires and after the API answers 401 (`invalidate`), never per request. Secrets only
ever travel in the token request; they are never logged or put in an error message.
"""

from __future__ import annotations

import abc
import datetime as dt
import json
import os
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import requests

from commerce_taps_common.config.errors import ConfigError
from commerce_taps_common.files import write_atomically
from commerce_taps_common.http.unreachable import HostUnreachable, unreachable_reason
from commerce_taps_common.reporting.redaction import add_secrets

# Renew this long before the stated expiry, so a request never leaves with a token about to lapse.
RENEW_MARGIN_SECONDS = 60
TOKEN_ATTEMPTS = 5


class TokenUnavailable(ConnectionError):
    """The token endpoint answered nothing usable after every attempt."""


class OAuthTokenAuth(requests.auth.AuthBase, abc.ABC):
    """Caches one access token; subclasses say how to ask for one and how to read the answer."""

    #: The Authorization scheme the API expects in front of the token.
    scheme = "Bearer"

    def __init__(
        self, token_url: str, *, timeout: float = 60, default_ttl_seconds: float = 3600
    ) -> None:
        self.token_url = token_url
        self._timeout = timeout
        self._default_ttl = default_ttl_seconds
        self._token: str | None = None
        self._renew_at = 0.0
        self._lock = threading.Lock()
        self._session = requests.Session()
        self.tokens_fetched = 0

    def __repr__(self) -> str:  # never show the credentials
        return f"{type(self).__name__}({self.token_url!r})"

    @abc.abstractmethod
    def _post(self) -> requests.Response:
        """One token request."""

    @abc.abstractmethod
    def _accept(self, response: requests.Response) -> dict[str, Any] | None:
        """The token body of a successful answer; None to try again; raise ConfigError when the
        credentials were refused."""

    def invalidate(self) -> None:
        with self._lock:
            self._token = None

    def token(self) -> str:
        with self._lock:
            if self._token is None or time.monotonic() >= self._renew_at:
                self._fetch()
            return self._token  # type: ignore[return-value]  # _fetch set it (or raised)

    def _fetch(self) -> None:
        failure = "no answer"
        for attempt in range(TOKEN_ATTEMPTS):
            try:
                response = self._post()
            except requests.RequestException as error:
                if self.tokens_fetched == 0 and (reason := unreachable_reason(error)):
                    raise HostUnreachable(self.token_url, reason) from None
                failure = type(error).__name__
            else:
                body = self._accept(response)
                if body is not None:
                    break
                failure = f"HTTP {response.status_code}"
            time.sleep(min(2**attempt, 30))
        else:
            raise TokenUnavailable(
                f"no token from {self.token_url} after {TOKEN_ATTEMPTS} attempts ({failure})"
            )
        ttl = float(body.get("expires_in") or self._default_ttl)
        self._token = body["access_token"]
        add_secrets(self._token, body.get("refresh_token"))  # never in a log line
        self._renew_at = time.monotonic() + max(ttl - RENEW_MARGIN_SECONDS, ttl / 2)
        self.tokens_fetched += 1
        self._accepted(body)

    def _accepted(self, body: dict[str, Any]) -> None:
        """Called with each new token's body (flows that rotate refresh tokens keep the new one)."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"{self.scheme} {self.token()}"
        return request


class ClientCredentialsAuth(OAuthTokenAuth):
    """`grant_type=client_credentials` against a form-encoded token endpoint."""

    def __init__(
        self,
        token_url: str,
        form: Mapping[str, str],
        *,
        refused_setting: str,
        refused_fix: str,
        timeout: float = 60,
        default_ttl_seconds: float = 3600,
    ) -> None:
        super().__init__(token_url, timeout=timeout, default_ttl_seconds=default_ttl_seconds)
        self._form = {"grant_type": "client_credentials", **form}
        self._refused = (refused_setting, refused_fix)

    def _post(self) -> requests.Response:
        return self._session.post(self.token_url, data=self._form, timeout=self._timeout)

    def _accept(self, response: requests.Response) -> dict[str, Any] | None:
        if response.status_code in (400, 401, 403):
            setting, fix = self._refused
            raise ConfigError(
                setting,
                f"the token endpoint {self.token_url} refused the credentials "
                f"(HTTP {response.status_code})",
                fix,
            )
        if response.status_code == 200:
            body: dict[str, Any] = response.json()
            if "access_token" in body:
                return body
        return None


class TokenFile:
    """Where a rotating refresh token lives between runs: a small JSON file the user names, written
    atomically (a temporary file renamed over it, so a crash leaves the old token or the new one,
    never half of one) and readable by its owner only."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).expanduser()

    def read(self) -> str | None:
        try:
            return json.loads(self.path.read_text()).get("refresh_token") or None
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            raise ConfigError(
                "token_file",
                f"{self.path} is not readable JSON ({type(error).__name__})",
                "delete it and set refresh_token again",
            ) from None

    def write(self, refresh_token: str) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # owner-only when new
        record = {"refresh_token": refresh_token, "written_at": dt.datetime.now(dt.UTC).isoformat()}
        write_atomically(self.path, json.dumps(record), mode=0o600)
