"""Each tap says what it reads in `--about` and `--help` (the SDK's defaults say nothing)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tap_adobe_vipmp.tap import TapAdobeVipmp
from tap_zoho_partner.tap import TapZohoPartner
from tap_zoom_commerce.tap import TapZoomCommerce
from tap_zuora_quickstart.tap import TapZuoraQuickstart

# A word each description must hold: the vendor's API it reads.
TAPS = {
    TapZuoraQuickstart: "Zuora's Quickstart API",
    TapZohoPartner: "Zoho Store Partner API",
    TapZoomCommerce: "Zoom Commerce API",
    TapAdobeVipmp: "VIP Marketplace",
}


@pytest.mark.parametrize("tap_class", TAPS, ids=lambda tap_class: tap_class.name)
def test_about_and_help_describe_the_tap(tap_class):
    runner = CliRunner()
    about = runner.invoke(tap_class.get_singer_command(), ["--about", "--format=json"])
    assert about.exit_code == 0, about.output
    description = json.loads(about.output)["description"]
    assert TAPS[tap_class] in description and description[0].isupper(), description
    assert not description.startswith(tap_class.name)
    shown = runner.invoke(tap_class.get_singer_command(), ["--help"])
    assert shown.exit_code == 0, shown.output
    assert " ".join(description.split()[:6]) in " ".join(shown.output.split()), shown.output
