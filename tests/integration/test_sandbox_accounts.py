"""Several accounts per vendor in one sandbox: distinct credentials open distinct worlds, with
their own truth, counters and faults; the default credentials open the world a server without
accounts holds; ids collide across the accounts of one vendor."""

from __future__ import annotations

import base64

import pytest
import requests

from commerce_harness.reconcile import key_of
from commerce_harness.taps import TAPS, ZOHO, ZOOM, ZUORA, Tap
from commerce_sandbox import SandboxServer
from commerce_sandbox.accounts import credential
from commerce_sandbox.vendors.adobe import SCOPE

SEED, SCALE, ACCOUNTS = 4, 6, ("alpha", "beta")


@pytest.fixture(scope="module")
def sandbox(module_sandboxes):
    return module_sandboxes(seed=SEED, scale=SCALE, accounts=ACCOUNTS)


def _token(sandbox, tap: Tap, creds: dict[str, str]) -> requests.Response:
    """A token request with `creds`, as each vendor's OAuth flow sends it."""
    if tap is ZUORA:
        return requests.post(
            f"{sandbox.url}/zuora/oauth/token",
            data={**creds, "grant_type": "client_credentials"},
            timeout=10,
        )
    if tap is ZOHO:
        return requests.post(
            f"{sandbox.url}/zoho/accounts/oauth/v2/token",
            params={**creds, "grant_type": "refresh_token"},
            timeout=10,
        )
    if tap is ZOOM:
        basic = base64.b64encode(f"{creds['client_id']}:{creds['client_secret']}".encode())
        return requests.post(
            f"{sandbox.url}/zoom/oauth/token",
            headers={"Authorization": f"Basic {basic.decode()}"},
            data={"grant_type": "account_credentials", "account_id": creds["account_id"]},
            timeout=10,
        )
    return requests.post(
        f"{sandbox.url}/adobe/ims/token/v3",
        data={**creds, "grant_type": "client_credentials", "scope": SCOPE},
        timeout=10,
    )


@pytest.mark.parametrize("tap", TAPS, ids=lambda tap: tap.vendor)
def test_each_account_has_its_credentials_counters_and_faults(sandbox, tap):
    control = sandbox.control
    control.reset_stats()
    token = _token(sandbox, tap, tap.account_credentials("alpha")).json()["access_token"]
    assert token.endswith(".alpha")
    assert tap.requests_total(sandbox, "alpha") == 1
    assert tap.requests_total(sandbox) == tap.requests_total(sandbox, "beta") == 0
    # The account's id with another secret, and the default secret, are refused.
    for secret in (credential("wrong", "alpha"), tap.credentials["client_secret"]):
        creds = {**tap.account_credentials("alpha"), "client_secret": secret}
        assert "access_token" not in _token(sandbox, tap, creds).json()
    # A fault planned for one account hits that account alone.
    control.inject(tap.vendor, [{"kind": "503", "count": 1}], account="beta")
    for account, status in (("alpha", 200), ("default", 200), ("beta", 503)):
        assert _token(sandbox, tap, tap.account_credentials(account)).status_code == status
    assert control.statuses(tap.vendor, account="beta") == {503: 1}
    assert control.accounts() == ["default", *ACCOUNTS]


def test_accounts_are_worlds_of_their_own_whose_ids_collide(sandbox):
    """The default account's world is the one a server without accounts holds; the named
    accounts' worlds differ from it and from each other, in one id space: some ids of every
    vendor are in both named accounts, with other contents."""
    with SandboxServer(seed=SEED, scale=SCALE) as alone:
        for tap in TAPS:
            colliding = differing = 0
            for stream, key in tap.keys.items():
                default = sandbox.control.truth(tap.vendor, stream)
                assert default == alone.control.truth(tap.vendor, stream), stream
                alpha, beta = (
                    {key_of(row, key): row for row in sandbox.control.truth(tap.vendor, stream, a)}
                    for a in ACCOUNTS
                )
                colliding += sum(alpha[id] != beta[id] for id in alpha.keys() & beta.keys())
                differing += list(alpha.values()) != default
            assert colliding > 0 and differing > 0, tap.vendor
