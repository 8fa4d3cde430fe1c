"""End to end through Dagster: two accounts of every vendor (eight loads, meltano.yml's inherited
extractors read by the code location) materialised in process by the multiprocess executor, each
load in its vendor's pool, into a real PostgreSQL server that also holds Dagster's runs and events
and Meltano's bookmarks (as workers on several machines share them). A backfill, then a day later
an incremental night in which one account's credentials are refused: it fails alone, without
retries, and the seven others land; the marts are built after it. The warehouse holds every
account's rows apart, each equal to its own world's truth row by row."""

from __future__ import annotations

import itertools
import json

import pytest
from dagster import AssetKey

from commerce_harness.orchestration import LOADER, MELTANO_DATABASE, Orchestration
from commerce_harness.postgres import table_rows
from commerce_harness.reconcile import compare_rows
from commerce_harness.taps import TAPS, ZUORA, fast_zoho
from commerce_harness.warehouse import TRANSFORM
from commerce_sandbox.accounts import DEFAULT_ACCOUNT
from commerce_taps_common.config.errors import env_var

ACCOUNTS = (DEFAULT_ACCOUNT, "emea")  # meltano.yml has Adobe's emea; the others get one
LOADS = {f"{tap.vendor}__{account}": (tap, account) for tap in TAPS for account in ACCOUNTS}
REFUSED = (ZUORA, "emea")  # the account whose credentials are refused on the second night
MARTS = sorted(path.stem for path in (TRANSFORM / "models" / "marts").glob("*.sql"))


@pytest.fixture(scope="module", name="portfolio")
def _portfolio(module_sandboxes, postgres, tmp_path_factory, dagster_dbt_target):
    sandbox = fast_zoho(module_sandboxes(seed=47, scale=3, accounts=ACCOUNTS[1:]))
    place = tmp_path_factory.mktemp("dagster")
    return Orchestration(place, sandbox, postgres, ACCOUNTS, dbt_target=dagster_dbt_target)


def truths(portfolio: Orchestration) -> dict:
    """Every account's rows of every stream, each with its tenant."""
    return {
        (tap.vendor, account): {
            stream: tap.truth(portfolio.sandbox, stream, account) for stream in tap.keys
        }
        for tap in TAPS
        for account in ACCOUNTS
    }


def assert_warehouse_equals_truths(portfolio: Orchestration, truths: dict) -> None:
    """Every vendor's tables equal the union of its accounts' `truths`, row by row."""
    with portfolio.postgres.connect() as connection:
        diffs = [
            compare_rows(
                tap.vendor,
                stream,
                *table_rows(connection, tap.vendor, stream),
                [row for account in ACCOUNTS for row in truths[tap.vendor, account][stream]],
                vendor=tap.vendor,
                key=tap.tenant_key(stream),
            )
            for tap in TAPS
            for stream in tap.keys
        ]
    assert all(diff.equal for diff in diffs), "\n".join(d.summary() for d in diffs if not d.equal)


def bookmarks(portfolio: Orchestration) -> dict[str, dict]:
    """Each load's bookmarks, as Meltano keeps them in its database in the server (read there in
    one query: a `meltano state get` per account costs seconds each)."""
    with portfolio.postgres.connect(MELTANO_DATABASE) as connection:
        states = dict(connection.execute("SELECT state_id, completed_state FROM state").fetchall())
    return {
        load: _json(states[tap.state_id(LOADER, account=account)])["singer_state"]["bookmarks"]
        for load, (tap, account) in LOADS.items()
    }


def _json(value: str | dict) -> dict:
    return json.loads(value) if isinstance(value, str) else value


def same_vendor_overlaps(spans: dict[str, list[float]]) -> list[tuple[str, str]]:
    """Pairs of loads of one vendor that ran at the same time (their pool allows one)."""
    return [
        (a, b)
        for a, b in itertools.combinations(sorted(spans), 2)
        if a.split("__")[0] == b.split("__")[0]
        and spans[a][0] < spans[b][-1]
        and spans[b][0] < spans[a][-1]
    ]


@pytest.mark.slow
@pytest.mark.timeout(1800)  # 16 Meltano runs and a dbt build: minutes on a busy machine
def test_two_accounts_of_every_vendor_through_dagster(portfolio, monkeypatch):
    for name, value in portfolio.env.items():
        monkeypatch.setenv(name, value)
    backfill, spans = portfolio.run("accounts")
    assert backfill.success, [event.message for event in backfill.all_events if event.is_failure]
    assert set(spans) == set(LOADS)
    assert same_vendor_overlaps(spans) == []
    assert_warehouse_equals_truths(portfolio, truths(portfolio))
    first = bookmarks(portfolio)
    assert all(first.values())

    # A day later: new and changed rows in every world; one account's secret refused.
    before = truths(portfolio)
    portfolio.sandbox.control.advance(days=1)
    tap, account = REFUSED
    monkeypatch.setenv(env_var(tap.plugin(account), "client_secret"), "refused-secret")
    night, spans = portfolio.run("accounts")
    refused = f"{tap.vendor}__{account}"
    assert not night.success
    failed = [event for event in night.all_events if event.is_step_failure]
    assert [event.step_key for event in failed] == [refused]  # once: no retry of a refusal
    assert "client_secret" in failed[0].event_specific_data.error.message
    expected = truths(portfolio)
    expected[tap.vendor, account] = before[tap.vendor, account]  # its last good load stays
    assert_warehouse_equals_truths(portfolio, expected)
    second = bookmarks(portfolio)
    assert second[refused] == first[refused]
    assert all(second[load] != first[load] for load in LOADS if load != refused)

    # The marts as of the sandbox's day (weeks behind the machine's), as the other tests pin it.
    monkeypatch.setenv("COMMERCE_AS_OF_DATE", portfolio.sandbox.control.now()[:10])
    marts, _ = portfolio.run("marts")
    assert marts.success, [event.message for event in marts.all_events if event.is_failure]
    # `dbt build` exits 0 only when every model built and every test passed; every mart landed.
    built = {event.asset_key for event in marts.get_asset_materialization_events()}
    assert {AssetKey(["marts", mart]) for mart in MARTS} <= built
