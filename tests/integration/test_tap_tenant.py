"""The `tenant` setting, shared by every tap: each record of each stream carries it, first in the
stream's key, through singer-sdk's own stream maps (merged with the user's), the SCHEMA declaring
it; bookmarks work as before. One tap here (the mechanism is the shared tap base's); every tap
lands its tenants in test_accounts_e2e.py."""

from __future__ import annotations

import json

import pytest

from commerce_harness.catalog import catalog_selecting
from commerce_harness.pipeline import BIN, assert_one_line_config_error, read_singer
from commerce_harness.reconcile import key_of
from commerce_harness.taps import ZUORA
from tap_adobe_vipmp.tap import TapAdobeVipmp
from tap_zoho_partner.tap import TapZohoPartner
from tap_zoom_commerce.tap import TapZoomCommerce
from tap_zuora_quickstart.tap import TapZuoraQuickstart


@pytest.fixture(scope="module")
def sandbox(module_sandboxes):
    return module_sandboxes(seed=3, scale=3, accounts=("alpha",))


def test_every_record_carries_the_tenant_first_in_its_key(sandbox, tmp_path):
    config = ZUORA.config(
        sandbox,
        "alpha",
        # A user's own maps: one adds to a stream's tenant map, one aliases a stream.
        stream_maps={"accounts": {"name": None}, "orders": {"__alias__": "orders_alpha"}},
    )
    result = ZUORA.run_tap(tmp_path, config)
    messages = [json.loads(line) for line in result.stdout.splitlines()]
    schemas = {m["stream"]: m for m in messages if m["type"] == "SCHEMA"}
    assert set(schemas) == {*ZUORA.keys, "orders_alpha"} - {"orders"}
    for stream, schema in schemas.items():
        source = stream.removesuffix("_alpha")
        assert schema["key_properties"] == list(ZUORA.tenant_key(source)), stream
        tenant = schema["schema"]["properties"]["tenant"]
        assert "string" in tenant["type"] and "account" in tenant["description"], stream
    assert "name" not in schemas["accounts"]["schema"]["properties"]
    output = read_singer(result)
    for stream in ZUORA.keys:
        records = output.records[stream if stream != "orders" else "orders_alpha"]
        truth = ZUORA.truth(sandbox, stream, "alpha")
        key = ZUORA.tenant_key(stream)
        assert {key_of(row, key) for row in records} == {key_of(row, key) for row in truth}
        assert {row["tenant"] for row in records} == {"alpha"}
    # Bookmarks are the streams' own, as before: an incremental run reads from them.
    assert set(output.state["bookmarks"]) == set(ZUORA.keys)
    sandbox.control.advance(days=1)
    later = ZUORA.read(tmp_path, config, state=output.state)
    assert later.result.returncode == 0
    assert all(row["tenant"] == "alpha" for rows in later.records.values() for row in rows)


def test_the_default_tenant_is_default_and_a_bad_one_is_one_line(sandbox, tmp_path):
    output = ZUORA.read(tmp_path, ZUORA.config(sandbox))
    assert {row["tenant"] for rows in output.records.values() for row in rows} == {"default"}
    # Every tap declares the setting (the shared base adds it); one checks what a bad one says.
    taps = (TapZuoraQuickstart, TapZohoPartner, TapZoomCommerce, TapAdobeVipmp)
    assert all(
        tap.config_jsonschema["properties"]["tenant"]["default"] == "default" for tap in taps
    )
    result = ZUORA.run_tap(tmp_path, ZUORA.config(sandbox, tenant="no spaces"))
    assert_one_line_config_error(result, "tenant")


def test_a_catalog_that_deselects_streams_keeps_the_tenant_of_the_others(sandbox, tmp_path):
    """As Meltano's `select` writes it: the other streams and all their properties deselected
    (their tenant maps would name key columns the SDK no longer sees)."""
    catalog = catalog_selecting(str(BIN / ZUORA.name), {"invoices"})
    for entry in catalog["streams"]:
        for metadata in entry["metadata"]:
            metadata["metadata"]["selected"] = entry["stream"] == "invoices"
    (tmp_path / "catalog.json").write_text(json.dumps(catalog))
    result = ZUORA.run_tap(
        tmp_path, ZUORA.config(sandbox, "alpha"), "--catalog", str(tmp_path / "catalog.json")
    )
    output = read_singer(result)
    assert result.returncode == 0, result.stderr[-2000:]
    assert set(output.records) == {"invoices"}
    assert {row["tenant"] for row in output.records["invoices"]} == {"alpha"}
