"""Two accounts of every vendor side by side: eight loads (each tap piped into the loader, with
the account's credentials and tenant) into one DuckDB warehouse, which then equals the union of
the eight worlds' truths row by row, under each row's tenant, though ids collide across the
accounts of a vendor; and through Meltano (one inherited plugin per account, scripts/nightly.py),
an account whose credentials are refused fails alone with its one line while its sibling lands,
each with its own state id and its own line on the run-history page."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections import Counter

import duckdb
import pytest

from commerce_harness import ROOT
from commerce_harness.place import add_accounts, meltano_project
from commerce_harness.reconcile import key_of
from commerce_harness.taps import TAPS, ZUORA, fast_zoho
from commerce_harness.warehouse import failed_nodes, run_dbt
from commerce_sandbox import SandboxServer
from commerce_taps_common.config.errors import env_var
from commerce_taps_common.reporting.run_history import write_page

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


def test_a_refused_account_fails_alone_through_meltano(loaded, tmp_path):
    sandbox, _ = loaded
    project, env = meltano_project(tmp_path)
    plugins = add_accounts(project, [(ZUORA, account) for account in ACCOUNTS], job="accounts")
    warehouse, runs = tmp_path / "warehouse.duckdb", tmp_path / "runs"
    env["TARGET_COMMERCE_DUCKDB_DATABASE"] = str(warehouse)
    for account, plugin in zip(ACCOUNTS, plugins, strict=True):
        env |= ZUORA.env(sandbox, account)
        env[env_var(plugin, "run_summary_dir")] = str(runs)
    env[env_var(plugins[0], "client_secret")] = "refused"  # alpha's secret is wrong tonight
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "nightly.py"), "--project", str(project)]
        + ["--environment", "sandbox", "--job", "accounts"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 1, result.stdout + result.stderr[-3000:]
    assert result.stderr.strip().splitlines()[-1] == (
        f"nightly: failed: {plugins[0]} (the others loaded; see the log above)"
    )
    errors = [line for line in result.stderr.splitlines() if " config error: " in line]
    assert len(errors) == 1 and "client_secret" in errors[0], result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        tenants = dict(
            connection.execute("SELECT tenant, count(*) FROM zuora.invoices GROUP BY 1").fetchall()
        )
    assert tenants == {"beta": len(ZUORA.truth(sandbox, "invoices", "beta"))}
    # Each account has its own state id: only the one that loaded saved its bookmarks.
    with sqlite3.connect(tmp_path / "meltano.db") as meltano_db:
        state_ids = {row[0] for row in meltano_db.execute("SELECT state_id FROM state")}
    assert state_ids == {ZUORA.state_id(account="beta")}, state_ids
    # The run history shows each account's night on its own line.
    page = write_page(runs).read_text()
    summaries = [json.loads(path.read_text()) for path in runs.glob("*.json")]
    assert Counter((s["tenant"], s["status"]) for s in summaries) == {
        ("alpha", "failed"): 1,
        ("beta", "succeeded"): 1,
    }
    assert "<td>tap-zuora-quickstart</td><td>alpha</td><td>1</td><td>0</td>" in page
