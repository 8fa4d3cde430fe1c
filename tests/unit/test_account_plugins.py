"""One Meltano plugin per account: the entry meltano.yml ships (and the README shows) is the one
the harness writes for any account (commerce_harness.place.add_accounts, for tests that run
several accounts through Meltano); its credentials come from its own variables only."""

from __future__ import annotations

import yaml

from commerce_harness import ROOT
from commerce_harness.place import add_accounts, meltano_project
from commerce_harness.taps import ADOBE, TAPS


def extractors(meltano_yml) -> dict[str, dict]:
    return {
        plugin["name"]: plugin for plugin in yaml.safe_load(meltano_yml)["plugins"]["extractors"]
    }


def test_the_shipped_account_plugin_is_the_one_the_harness_writes():
    shipped = extractors((ROOT / "meltano.yml").read_text())["tap-adobe-vipmp--emea"]
    assert shipped == ADOBE.account_plugin("emea")
    assert shipped["config"] == {
        "tenant": "emea",
        "client_id": "$TAP_ADOBE_VIPMP__EMEA_CLIENT_ID",
        "client_secret": "$TAP_ADOBE_VIPMP__EMEA_CLIENT_SECRET",
    }
    readme = (ROOT / "README.md").read_text()
    assert "{name: tap-adobe-vipmp--emea, inherit_from: tap-adobe-vipmp, namespace: adobe" in readme


def test_add_accounts_writes_a_plugin_per_account_and_a_job(tmp_path):
    project, _ = meltano_project(tmp_path)
    accounts = [(tap, account) for tap in TAPS for account in ("alpha", "beta")]
    names = add_accounts(project, accounts, job="accounts")
    assert names == [tap.plugin(account) for tap, account in accounts]
    written = yaml.safe_load((project / "meltano.yml").read_text())
    plugins = extractors((project / "meltano.yml").read_text())
    for tap, account in accounts:
        assert plugins[tap.plugin(account)] == tap.account_plugin(account)
        assert plugins[tap.plugin(account)]["namespace"] == tap.vendor
    (job,) = [job for job in written["jobs"] if job["name"] == "accounts"]
    assert job["tasks"] == [f"{name} target-commerce-duckdb" for name in names]
