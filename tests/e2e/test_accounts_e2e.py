"""Two accounts of every vendor side by side: eight loads (each tap piped into the loader, with
the account's credentials and tenant) into one DuckDB warehouse, which then equals the union of
the eight worlds' truths row by row, under each row's tenant, though ids collide across the
accounts of a vendor; dbt builds every model and passes every test on it, the marts holding every
account; and an account whose credentials are refused fails alone with its one line, the others'
rows untouched. (Meltano's plugin per account runs in `make demo`: test_meltano_demo.py.)"""

from __future__ import annotations

import duckdb
import pytest

from commerce_harness.reconcile import key_of
from commerce_harness.taps import TAPS, ZUORA, fast_zoho
from commerce_harness.warehouse import failed_nodes, run_dbt
from commerce_sandbox import SandboxServer

ACCOUNTS = ("alpha", "beta")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """The sandbox (two named accounts per vendor: their ids collide, the default account's
    Zuora ids do not) and the warehouse its eight accounts loaded."""
    root = tmp_path_factory.mktemp("accounts")
    with SandboxServer(seed=11, scale=3, accounts=ACCOUNTS) as sandbox:
        fast_zoho(sandbox)
        for tap in TAPS:
            for account in ACCOUNTS:
                tap.run_pipeline(
                    root / f"{tap.vendor}-{account}", tap.config(sandbox, account), root
                ).check()
        yield sandbox, root


def test_the_warehouse_is_the_union_of_the_accounts_truths(loaded):
    sandbox, root = loaded
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as connection:
        for tap in TAPS:
            collided = 0
            for stream, key in tap.keys.items():
                rows = connection.execute(
                    f'SELECT tenant, count(*) FROM {tap.vendor}."{stream}" GROUP BY ALL'
                ).fetchall()
                truths = {account: tap.truth(sandbox, stream, account) for account in ACCOUNTS}
                assert dict(rows) == {
                    account: len(truth) for account, truth in truths.items() if truth
                }, stream
                alpha, beta = ({key_of(row, key) for row in truths[a]} for a in ACCOUNTS)
                collided += len(alpha & beta)
                print(f"{tap.vendor}.{stream}: {dict(rows)}, ids in both: {len(alpha & beta)}")
            assert collided, f"{tap.vendor}: no id of one account is the other's"
            tap.assert_warehouse_equals_truth(sandbox, root / "warehouse.duckdb", ACCOUNTS)


def test_the_marts_build_and_union_every_account(loaded):
    sandbox, root = loaded
    warehouse = root / "warehouse.duckdb"
    built = run_dbt(warehouse, root / "dbt", sandbox.control.now()[:10], "build")
    assert built.returncode == 0 and not failed_nodes(root / "dbt"), built.stdout[-3000:]
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        customers = connection.execute(
            "SELECT vendor, tenant, count(*) FROM marts.customers GROUP BY ALL"
        ).fetchall()
    assert {(vendor, tenant) for vendor, tenant, _ in customers} == {
        (tap.vendor, account) for tap in TAPS for account in ACCOUNTS
    }


def test_a_refused_account_fails_alone(loaded, tmp_path):
    """Beta's Zuora credentials are refused tonight: its run ends with its one line, and the
    warehouse keeps every account's rows as they were (alpha's, and beta's last good load)."""
    sandbox, root = loaded
    refused = ZUORA.config(sandbox, "beta", client_secret="refused")
    run = ZUORA.run_pipeline(tmp_path / "refused", refused, root)
    assert run.tap_exit == 2 and run.target_exit == 0, run.tap_log[-2000:]
    errors = [line for line in run.tap_log.splitlines() if " config error: " in line]
    assert len(errors) == 1 and "client_secret" in errors[0], run.tap_log[-2000:]
    assert "Traceback" not in run.tap_log
    ZUORA.assert_warehouse_equals_truth(sandbox, root / "warehouse.duckdb", ACCOUNTS)
