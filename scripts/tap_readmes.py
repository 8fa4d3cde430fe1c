"""Writes the settings table of each plugin's README from the plugin itself.

The table between `<!-- settings:start -->` and `<!-- settings:end -->` is the Settings table of
`<plugin> --about --format=markdown`, produced in-process from the plugin class (singer-sdk's
`print_about`), so a setting's name, default and description are written once: in the plugin's
`config_jsonschema`. Everything else in the README is written by hand.

    python scripts/tap_readmes.py           # rewrite the tables that changed (`make readmes`)
    python scripts/tap_readmes.py --check   # exit 1 naming each stale README, write nothing
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START = "<!-- settings:start -->"
END = "<!-- settings:end -->"
FIX = "make readmes"

# README (relative to the repository) -> the plugin class, as module:attribute.
PLUGINS = {
    "taps/tap_zuora_quickstart/README.md": "tap_zuora_quickstart.tap:TapZuoraQuickstart",
    "taps/tap_zoho_partner/README.md": "tap_zoho_partner.tap:TapZohoPartner",
    "taps/tap_zoom_commerce/README.md": "tap_zoom_commerce.tap:TapZoomCommerce",
    "taps/tap_adobe_vipmp/README.md": "tap_adobe_vipmp.tap:TapAdobeVipmp",
    "loader/target_commerce_duckdb/README.md": "target_commerce_duckdb.target:TargetCommerceDuckDB",
}


def plugin_class(spec: str) -> type:
    module, _, attribute = spec.partition(":")
    return getattr(importlib.import_module(module), attribute)


def settings_table(plugin: type) -> str:
    """The rows of the `## Settings` section of `--about --format=markdown`, header included."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        plugin.print_about(output_format="markdown")
    lines = out.getvalue().splitlines()
    start = lines.index("## Settings") + 1
    table = []
    for line in lines[start:]:
        if line.startswith("|"):
            table.append(line)
        elif table:
            break
    if not table:
        raise ValueError(f"{plugin.__name__}: --about --format=markdown has no settings table")
    return "\n".join(table)


def current_table(readme: str, path: str) -> str:
    """The text between the markers, as the README has it now."""
    if readme.count(START) != 1 or readme.count(END) != 1:
        raise ValueError(f"{path}: needs exactly one {START} and one {END}")
    before, _, rest = readme.partition(START)
    inside, _, _ = rest.partition(END)
    return inside.strip("\n")


def with_table(readme: str, table: str) -> str:
    before, _, rest = readme.partition(START)
    _, _, after = rest.partition(END)
    return f"{before}{START}\n{table}\n{END}{after}"


def stale(root: Path = ROOT) -> list[str]:
    """The READMEs whose table differs from what their plugin says now."""
    found = []
    for path, spec in PLUGINS.items():
        readme = (root / path).read_text()
        if current_table(readme, path) != settings_table(plugin_class(spec)):
            found.append(path)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale tables, write nothing")
    args = parser.parse_args(argv)
    if args.check:
        paths = stale()
        for path in paths:
            print(f"{path}: the settings table differs from --about; run `{FIX}`", file=sys.stderr)
        return 1 if paths else 0
    for path, spec in PLUGINS.items():
        file = ROOT / path
        readme = file.read_text()
        table = settings_table(plugin_class(spec))
        if current_table(readme, path) != table:
            file.write_text(with_table(readme, table))
            print(f"{path}: settings table rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
