"""No secret in any log line at any level: each tap's task runs through `meltano run` at debug
level (Meltano's, and the taps' and loader's singer-sdk loggers, urllib3's included, through
LOGLEVEL=DEBUG) as a backfill that meets faults (a 429, a cut body, a revoked token: so retries,
token renewals and error paths all log), and neither Meltano's output nor any file it, the tap or
the loader wrote holds a client secret, refresh token, access token, Authorization header value,
API key or webhook secret. Zoom runs the user-OAuth flow, whose rotating refresh tokens land in the
token file, which must be owner-only in an owner-only directory."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest

from commerce_harness import ROOT
from commerce_harness.chaos import VENDOR_CHAOS, ChaosTap
from commerce_harness.place import DemoPlace
from commerce_harness.taps import TAPS
from commerce_sandbox.vendors import adobe, zoho, zoom, zuora

WEBHOOK_SECRET = "webhook-secret-never-logged-3f9a"
FAULTS = ("429", "truncate", "expire_token")


def vendor_secrets(vendor: str, sandbox) -> dict[str, str]:
    """What must never be written, by name: the vendor's credentials, every access (and, for
    Zoom, refresh) token the sandbox issued, and the Authorization values built from them."""
    world = sandbox.sandbox.slots[vendor].vendor
    found = {f"access token {token}": token for token in world.tokens.issued}
    found["webhook secret"] = WEBHOOK_SECRET
    match vendor:
        case "zuora":
            found["client secret"] = zuora.CLIENT_SECRET
        case "zoho":
            found["client secret"] = zoho.CLIENT_SECRET
            found["refresh token"] = zoho.REFRESH_TOKEN
        case "zoom":
            found["client secret"] = zoom.CLIENT_SECRET
            found["first refresh token"] = zoom.FIRST_REFRESH_TOKEN
            found["current refresh token"] = world.refresh_token
            basic = f"{zoom.CLIENT_ID}:{zoom.CLIENT_SECRET}".encode()
            found["Basic authorization"] = base64.b64encode(basic).decode()
        case "adobe":
            found["client secret"] = adobe.CLIENT_SECRET
            found["API key"] = adobe.CLIENT_ID  # Adobe's X-Api-Key is the client id
    return found


def written_text(directory: Path) -> dict[Path, str]:
    """Every file under `directory` (logs, run summaries, Meltano's database), as text."""
    return {
        path: path.read_bytes().decode("latin-1")
        for path in directory.rglob("*")
        if path.is_file() and not path.name.endswith((".duckdb", ".duckdb.wal"))
    }


@pytest.mark.parametrize("tap", TAPS, ids=lambda tap: tap.vendor)
def test_no_secret_in_any_output_at_debug_level(tap, tmp_path, sandboxes):
    sandbox = sandboxes(seed=41, scale=3)
    place = DemoPlace(ROOT, tmp_path / "place")
    place.reset()
    env = {"LOGLEVEL": "DEBUG", "ZOOM_WEBHOOK_SECRET_TOKEN": WEBHOOK_SECRET}
    token_file = tmp_path / "secrets" / "zoom-refresh-token.json"
    if tap.vendor == "zoom":
        env |= {
            "TAP_ZOOM_COMMERCE_ACCOUNT_ID": "",
            "TAP_ZOOM_COMMERCE_REFRESH_TOKEN": zoom.FIRST_REFRESH_TOKEN,
            "TAP_ZOOM_COMMERCE_TOKEN_FILE": str(token_file),
        }
    job = ChaosTap(tap, sandbox, place, env=env, meltano_options=("--log-level=debug",))
    chaos = VENDOR_CHAOS[tap.vendor]
    sandbox.control.configure(tap.vendor, **chaos.baseline)
    sandbox.control.inject(
        tap.vendor,
        [{"kind": kind, "reset_header": False, "path": chaos.api_path} for kind in FAULTS],
    )

    exit_code, _ = job.run_job(None)

    log = place.log.read_text()
    assert exit_code == 0, log[-3000:]
    assert "DEBUG" in log.upper() and "Starting new HTTP connection" in log  # urllib3 at debug
    assert sandbox.control.statuses(tap.vendor).get(401)  # the revoked token was renewed
    secrets = vendor_secrets(tap.vendor, sandbox)
    assert len(secrets) > 3
    leaks = [
        f"{name} in {path.relative_to(tmp_path)}"
        for path, text in written_text(place.output).items()
        for name, secret in secrets.items()
        if secret in text
    ]
    assert not leaks, leaks
    if tap.vendor == "zoho":  # urllib3 logs the token request's query string, redacted
        assert "client_secret=<redacted>&" in log or "client_secret=<redacted> " in log
    if tap.vendor == "zoom":
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        assert stat.S_IMODE(token_file.parent.stat().st_mode) == 0o700
