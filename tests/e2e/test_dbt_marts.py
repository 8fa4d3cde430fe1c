"""The dbt project (transform/) on a real warehouse: the four taps load it from the sandbox, dbt
builds every model and passes every test, after the backfill and again after an incremental run;
the marts then say what the sandbox's truth says, to the cent (computed in Python by
marts_truth, not from the marts), and as of which day; a model broken on purpose makes the
singular tests fail; a vendor that fails and goes stale fails `dbt source freshness`, and the
marts say when its last load ran and that its figures are as of then."""

from __future__ import annotations

import datetime as dt
import html.parser
import json
import random
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import marts_compare
import marts_truth
import pytest

from commerce_harness import ROOT
from commerce_harness.browser import chromium, keep_picture
from commerce_harness.taps import ZOOM
from commerce_harness.warehouse import TRANSFORM, failed_nodes, load_all, run_dbt
from commerce_sandbox import SandboxServer

PARTITION = ("NA", "COM", "USD", "STANDARD")
MARTS = (
    "customers",
    "billing_line_items",
    "invoices",
    "subscriptions",
    "mrr_movements",
    "zoho_commission_reconciliation",
    "adobe_price_changes",
    "zoom_object_statuses",
    "vendor_freshness",
)


class Built:
    """A warehouse the taps loaded and dbt built; every dbt command on it shares one target
    directory (so dbt parses the project once)."""

    def __init__(self, sandbox: SandboxServer, root: Path) -> None:
        self.sandbox = sandbox
        self.root = root
        self.warehouse = root / "warehouse.duckdb"
        self.builds: dict[str, tuple[subprocess.CompletedProcess, set[str]]] = {}
        self.loaded: tuple[dt.datetime, dt.datetime] | None = None  # the last loads' wall time

    @property
    def as_of(self) -> str:
        return self.sandbox.control.now()[:10]

    def dbt(self, *args: str, **options) -> subprocess.CompletedProcess:
        return run_dbt(self.warehouse, self.root / "dbt", self.as_of, *args, **options)

    def build(self, run: str, *args: str, **options) -> None:
        result = self.dbt("build", *args, **options)
        self.builds[run] = (result, failed_nodes(self.root / "dbt"))

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as connection:
            return connection.execute(sql).fetchall()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Backfill and dbt build, three days later an incremental run and dbt build again."""
    with SandboxServer(seed=41, scale=12) as sandbox:
        result = Built(sandbox, tmp_path_factory.mktemp("dbt"))
        states = load_all(sandbox, result.root)
        result.build("backfill")
        sandbox.control.advance(days=3)
        started = dt.datetime.now(dt.UTC)
        load_all(sandbox, result.root, states)
        result.loaded = (started, dt.datetime.now(dt.UTC))
        result.build("incremental")
        yield result


def test_every_model_builds_and_every_test_passes_after_backfill_and_incremental(built):
    assert set(built.builds) == {"backfill", "incremental"}
    for run, (build, failed) in built.builds.items():
        assert build.returncode == 0, f"{run}:\n{build.stdout[-6000:]}"
        assert "ERROR=0" in build.stdout and "WARN=0" in build.stdout, build.stdout[-3000:]
        assert failed == set()


def test_sources_are_fresh_and_the_docs_site_generates(built):
    freshness = built.dbt("source", "freshness")
    assert freshness.returncode == 0, freshness.stdout[-3000:]
    sources = json.loads((built.root / "dbt" / "target" / "sources.json").read_text())
    assert len(sources["results"]) == 27
    assert {result["status"] for result in sources["results"]} == {"pass"}
    docs = built.dbt("docs", "generate", "--no-compile")
    assert docs.returncode == 0, docs.stdout[-3000:]
    for name in ("index.html", "catalog.json", "manifest.json"):
        assert (built.root / "dbt" / "target" / name).stat().st_size > 0


def as_of_by_vendor(warehouse: Path, mart: str) -> dict[str, set[str]]:
    """{vendor: the as_of days of its rows} in one mart (single-vendor marts name theirs)."""
    vendor = {
        "zoho_commission_reconciliation": "'zoho'",
        "adobe_price_changes": "'adobe'",
        "zoom_object_statuses": "'zoom'",
    }.get(mart, "vendor")
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(
            f"SELECT DISTINCT {vendor}, strftime(as_of, '%Y-%m-%d') FROM marts.{mart}"
        ).fetchall()
    days: dict[str, set[str]] = {}
    for name, day in rows:
        days.setdefault(name, set()).add(day)
    return days


def freshness(warehouse: Path) -> dict[str, tuple]:
    """vendor_freshness: {vendor: (as_of, last_complete_load_at, last_load_at)}."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return {
            vendor: (as_of.isoformat(), complete, last)
            for vendor, as_of, complete, last in connection.execute(
                "SELECT vendor, as_of, last_complete_load_at, last_load_at"
                " FROM marts.vendor_freshness"
            ).fetchall()
        }


def test_every_mart_is_as_of_the_day_the_taps_last_read_the_sandbox(built):
    """Each vendor's rows carry the day of its last complete load; the build pins the latest load's
    day in the sandbox's clock (weeks behind the machine's), so that is the sandbox's day."""
    truth = marts_truth.as_of_day(built.sandbox.control)
    for mart in MARTS:
        days = as_of_by_vendor(built.warehouse, mart)
        assert all(found == {truth} for found in days.values()), (mart, days, truth)
    assert set(as_of_by_vendor(built.warehouse, "invoices")) == set(marts_truth.VENDORS)
    started, finished = built.loaded
    loads = freshness(built.warehouse)
    assert set(loads) == set(marts_truth.VENDORS)
    for vendor, (as_of, complete, last) in loads.items():
        # A full-table version is the tap's start in whole seconds.
        assert started - dt.timedelta(seconds=1) <= complete <= last <= finished, (vendor, loads)
        assert as_of == truth


def test_a_vendor_that_failed_and_went_stale_fails_freshness_and_the_marts_say_so(built, tmp_path):
    """Zoom's last good load is made three days old (its rows' load metadata moved back: the test
    cannot wait three nights), then tonight's Zoom run fails on a refused secret. `dbt source
    freshness` errs on every Zoom table and passes the others; the marts still build, and say
    that Zoom's figures are as of three days before the others', when its last load ran."""
    stale = Built(built.sandbox, tmp_path)
    shutil.copy(built.warehouse, stale.warehouse)
    before = freshness(stale.warehouse)
    days = dt.timedelta(days=3)
    with duckdb.connect(str(stale.warehouse)) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'zoom'"
            ).fetchall()
        ]
        for table in tables:
            connection.execute(
                f"UPDATE zoom.{table} SET _sdc_batched_at = _sdc_batched_at - INTERVAL 3 DAY,"
                f" _sdc_table_version = _sdc_table_version - {int(days.total_seconds())}"
            )
    failed = ZOOM.run_pipeline(
        tmp_path / "zoom-refused",
        ZOOM.config(built.sandbox, client_secret="not-the-secret"),
        tmp_path,
    )
    assert failed.tap_exit != 0, failed.tap_log[-2000:]

    checked = stale.dbt("source", "freshness")
    assert checked.returncode != 0, checked.stdout[-3000:]
    results = json.loads((tmp_path / "dbt" / "target" / "sources.json").read_text())["results"]
    statuses = {result["unique_id"].split(".", 2)[2]: result["status"] for result in results}
    assert {name for name, status in statuses.items() if status == "error"} == {
        name for name in statuses if name.startswith("zoom.")
    }, statuses
    assert {status for name, status in statuses.items() if not name.startswith("zoom.")} == {"pass"}
    assert "ERROR STALE freshness of zoom.accounts" in checked.stdout

    # Zoom's rows are newer than the as-of day faked here (only their load metadata moved back):
    # a version of the last three days is in `subscriptions` but not yet in force in the MRR
    # history as of three days ago, so that one identity is left out.
    stale.build("stale", "--exclude", "mrr_this_month_equals_subscriptions")
    build, failures = stale.builds["stale"]
    assert build.returncode == 0 and failures == set(), build.stdout[-3000:]
    after = freshness(stale.warehouse)
    assert after["zoom"][1] == before["zoom"][1] - days, (before["zoom"], after["zoom"])
    assert {vendor: row for vendor, row in after.items() if vendor != "zoom"} == {
        vendor: row for vendor, row in before.items() if vendor != "zoom"
    }
    today = marts_truth.as_of_day(built.sandbox.control)
    zoom_day = (dt.date.fromisoformat(today) - days).isoformat()
    assert after["zoom"][0] == zoom_day
    for mart in ("customers", "invoices", "subscriptions", "mrr_movements"):
        assert as_of_by_vendor(stale.warehouse, mart) == {
            vendor: {zoom_day if vendor == "zoom" else today} for vendor in marts_truth.VENDORS
        }, mart
    # Unpinned, the as-of day is the UTC day each vendor's last complete load ran.
    unpinned = run_dbt(
        stale.warehouse, tmp_path / "dbt", "", "build", "--select", "+vendor_freshness"
    )
    assert unpinned.returncode == 0, unpinned.stdout[-3000:]
    assert {vendor: row[0] for vendor, row in freshness(stale.warehouse).items()} == {
        vendor: complete.astimezone(dt.UTC).date().isoformat()
        for vendor, (_, complete, _) in after.items()
    }


def money(rows: list[tuple], value_columns: int = 1) -> dict:
    """Query rows (key columns..., value columns) as {key: value(s)}, decimals to the cent."""

    def cents(value):
        return value.quantize(marts_truth.CENT) if isinstance(value, Decimal) else value

    split = len(rows[0]) - value_columns if rows else 0
    return {
        tuple(row[:split]): cents(row[split])
        if value_columns == 1
        else tuple(map(cents, row[split:]))
        for row in rows
    }


def cents_of(totals: dict) -> dict:
    return {key: marts_truth.to_cent(value) for key, value in totals.items()}


def assert_every_vendor_equal(marts: dict, truth: dict) -> None:
    """The mart's figures per (vendor, ...) key are the truth's, and the truth covers all four."""
    assert {key[0] for key in truth} == {"zuora", "zoom", "adobe", "zoho"}
    assert marts == truth


def test_open_balances_per_vendor_and_currency_equal_truth(built):
    marts = money(
        built.query(
            "SELECT vendor, currency, sum(open_balance_amount) FROM marts.invoices"
            " WHERE open_balance_amount IS NOT NULL GROUP BY ALL"
            " HAVING sum(open_balance_amount) != 0"
        )
    )
    # A currency whose only Zuora invoices are drafts is open 0 in the mart and absent from the
    # truth (posted invoices only): compared where something is owed.
    truth = {
        key: amount
        for key, amount in cents_of(marts_truth.open_balances(built.sandbox.control)).items()
        if amount
    }
    assert truth and marts == truth


def test_billed_per_vendor_month_and_currency_equals_truth(built):
    marts = money(
        built.query(
            "SELECT vendor, strftime(document_month, '%Y-%m'), currency, sum(total_amount)"
            " FROM marts.billing_line_items WHERE status IN ('open', 'paid', 'billed')"
            " AND total_amount IS NOT NULL GROUP BY ALL"
        )
    )
    assert_every_vendor_equal(marts, cents_of(marts_truth.billed_by_month(built.sandbox.control)))


def test_active_subscriptions_and_mrr_per_vendor_equal_truth(built):
    marts = money(
        built.query(
            "SELECT vendor, currency, count(*), coalesce(sum(monthly_recurring_amount), 0)"
            " FROM marts.subscriptions WHERE is_active GROUP BY ALL"
        ),
        value_columns=2,
    )
    truth = {
        key: (count, marts_truth.to_cent(amount))
        for key, (count, amount) in marts_truth.active_subscriptions(
            built.sandbox.control, built.as_of
        ).items()
    }
    assert_every_vendor_equal(marts, truth)


def test_zooms_2026_fields_reach_the_marts_as_the_truth_holds_them(built):
    """Zoom's subscription price list (2026-05-04) in subscriptions, and its partner levels
    (2026-11-19) on customers: every Zoom row as the sandbox's truth holds it."""
    control = built.sandbox.control
    price_lists = dict(
        built.query(
            "SELECT subscription_id, price_list_id FROM marts.subscriptions WHERE vendor = 'zoom'"
        )
    )
    assert price_lists == {
        row["subscription_number"]: row["subscription_price_list_id"]
        for row in control.truth("zoom", "subscriptions")
    }
    levels = dict(
        built.query("SELECT customer_id, partner_level FROM marts.customers WHERE vendor = 'zoom'")
    )
    assert levels == {
        row["crm_account_number"]: row["partner_level"] for row in control.truth("zoom", "accounts")
    }
    assert len(set(levels.values())) > 1  # sold directly and through sub-resellers
    for mart, column in (("subscriptions", "price_list_id"), ("customers", "partner_level")):
        others = f"SELECT count(*) FROM marts.{mart} WHERE vendor <> 'zoom'"
        others += f" AND {column} IS NOT NULL"
        assert built.query(others) == [(0,)], mart


def test_adobe_terms_follow_the_anniversary_an_early_renewal_rolled_over(built):
    """An early renewal (the world places one within its first three days) rolls the customer's
    anniversary over while the subscriptions' renewal date stays: the subscriptions mart ends each
    active Adobe term on the anniversary, and the renewal's lines pay for the 12 months from the
    anniversary they renew, not from the day they were placed."""
    control = built.sandbox.control
    anniversaries = {
        row["customerId"]: row["cotermDate"] for row in control.truth("adobe", "customers")
    }
    subscriptions = control.truth("adobe", "subscriptions")
    truth = {
        row["subscriptionId"]: max(row["renewalDate"], anniversaries[row["customerId"]])
        if row["status"] == "1000"
        else row["renewalDate"]
        for row in subscriptions
    }
    marts = built.query(
        "SELECT subscription_id, strftime(end_date, '%Y-%m-%d') FROM marts.subscriptions"
        " WHERE vendor = 'adobe'"
    )
    assert dict(marts) == truth
    held = {
        row["subscriptionId"]: row["renewalDate"]
        for row in subscriptions
        if row["status"] == "1000" and row["renewalDate"] < anniversaries[row["customerId"]]
    }
    early_lines = {
        (order["orderId"], line["subscriptionId"]): held[line["subscriptionId"]]
        for order in control.truth("adobe", "orders")
        if order["orderType"] == "RENEWAL"
        for line in order["lineItems"]
        if line["subscriptionId"] in held
        and order["creationDate"][:10] < held[line["subscriptionId"]]
    }
    assert early_lines, "no early renewal before its anniversary: the test proves nothing"
    periods = built.query(
        "SELECT lines.order_id, lines.subscription_id, strftime(lines.term_start_date, '%Y-%m-%d')"
        " FROM intermediate.int_adobe__order_lines_priced AS lines"
    )
    starts = {(order, subscription): start for order, subscription, start in periods}
    assert {key: starts[key] for key in early_lines} == early_lines


def test_mrr_retention_aging_and_renewals_equal_truth(built):
    """MRR and its movement per vendor x customer x currency x month for Zuora and Zoom
    (contracted: their subscription versions) and Zoho (derived from its transactions), every
    movement present for Zuora and Zoom (the worlds guarantee a customer who churns and comes
    back); the as-of month's bridge, ARR, NRR and GRR; the aging buckets; the renewals of the next
    90 days (Adobe with its price at renewal). Adobe's MRR history is not recomputed (its as-of
    month equals `subscriptions`: a singular dbt test)."""
    marts_compare.assert_marts_equal_truth(built.query, built.sandbox.control, built.as_of)


def test_commission_totals_by_status_equal_truth(built):
    marts = money(
        built.query(
            "SELECT commission_status, sum(commission_amount)"
            " FROM marts.zoho_commission_reconciliation WHERE has_commission GROUP BY ALL"
        )
    )
    assert marts == cents_of(marts_truth.commissions_by_status(built.sandbox.control))


def test_adobe_price_changes_of_one_partition_equal_truth(built):
    rows = built.query(
        "SELECT price_list_month, offer_id, change_type, previous_partner_price, partner_price,"
        " price_change_percent FROM marts.adobe_price_changes"
        " WHERE (region, market_segment, currency, price_list_type) = (?, ?, ?, ?)".replace(
            "?, ?, ?, ?", ", ".join(f"'{part}'" for part in PARTITION)
        )
    )
    marts = {row[:5] for row in rows}
    truth = marts_truth.adobe_price_changes(built.sandbox.control, PARTITION)
    assert {change[2] for change in truth} == {"Add", "Change", "Delete"}
    assert marts == truth
    for *_, previous, price, percent in rows:
        if previous:
            assert abs(Decimal(str(percent)) - 100 * (price - previous) / previous) < Decimal(
                "0.005"
            )


def test_money_divided_in_sql_rounds_to_the_cent_as_python_decimal_does(built):
    """The money_divide macro (MRR from amounts over months) against Decimal's ROUND_HALF_UP, on
    ties, negatives and amounts with more places than cents."""
    compiled = built.dbt(
        "--quiet",
        "compile",
        "--inline",
        "select {{ money_divide('amount', 'divisor') }} from amounts order by position",
    )
    assert compiled.returncode == 0, compiled.stdout[-3000:]
    rng = random.Random(5)
    cases = [(Decimal("0.05"), 2), (Decimal("-0.05"), 2), (Decimal("100.01"), 2), (Decimal(0), 7)]
    cases += [
        (Decimal(rng.randint(-(10**9), 10**9)).scaleb(-rng.choice((2, 4, 9))), rng.randint(1, 100))
        for _ in range(2000)
    ]
    with duckdb.connect() as connection:
        connection.execute(
            "CREATE TABLE amounts (position INTEGER, amount DECIMAL(38, 9), divisor INTEGER)"
        )
        connection.executemany(
            "INSERT INTO amounts VALUES (?, ?, ?)",
            [(index, amount, divisor) for index, (amount, divisor) in enumerate(cases)],
        )
        results = [row[0] for row in connection.execute(compiled.stdout).fetchall()]
    assert results == [marts_truth.to_cent(amount / divisor) for amount, divisor in cases]


class Tables(html.parser.HTMLParser):
    """Every table of a page by id: its body's rows, each cell's data-value if it has one (the
    exact figure), else its text."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current: list[list[str]] | None = None
        self.in_body = False
        self.cell: str | None = None
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "table":
            self.current = self.tables.setdefault(named["id"] or "", [])
        elif tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body and self.current is not None:
            self.current.append([])
        elif tag == "td" and self.in_body:
            self.cell = named.get("data-value")
            if self.cell is not None and self.current:
                self.current[-1].append(self.cell)

    def handle_data(self, data: str) -> None:
        if self.cell is None and self.in_body and self.current:
            self.current[-1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self.cell = None
        elif tag == "tbody":
            self.in_body = False


def figures(rows: list[list[str]]) -> list[tuple]:
    """Table rows with their numbers as Decimal to the cent (text cells as they are)."""

    def value(text: str):
        try:
            return Decimal(text).quantize(marts_truth.CENT)
        except ArithmeticError:
            return text

    return [tuple(value(text) for text in row) for row in rows]


def test_the_report_page_shows_the_marts_figures_in_chromium(built, tmp_path):
    """scripts/marts_report.py on the warehouse, as a user runs it; Chromium renders the page and
    its tables hold the marts' figures: the bridge recomputed from mrr_movements, ARR from
    revenue_retention, the aging buckets and the renewals of the next 90 days; the page fetches
    nothing (no URL but its own); its screenshot is docs/marts-report.png (the README's)."""
    page = tmp_path / "report.html"
    made = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts/marts_report.py"),
            "--warehouse",
            str(built.warehouse),
            "--output",
            str(page),
        ],
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr[-2000:]
    source = page.read_text()
    assert "<script" not in source and "http" not in source.replace("http://www.w3.org", "")
    dom = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    tables = Tables(dom.stdout).tables
    assert dom.stdout.count("<svg") >= 4

    movements = built.query(
        "SELECT currency, month, sum(previous_mrr),"
        " sum(movement_amount) FILTER (WHERE movement = 'new'),"
        " sum(movement_amount) FILTER (WHERE movement = 'expansion'),"
        " sum(movement_amount) FILTER (WHERE movement = 'reactivation'),"
        " -sum(movement_amount) FILTER (WHERE movement = 'contraction'),"
        " -sum(movement_amount) FILTER (WHERE movement = 'churn'), sum(mrr)"
        " FROM marts.mrr_movements GROUP BY ALL ORDER BY ALL"
    )
    months = sorted({row[1] for row in movements})[-12:]
    for currency in {row[0] for row in movements if row[1] in months}:
        expected = [
            (f"{month:%Y-%m}", *(value or Decimal(0) for value in values))
            for found, month, *values in movements
            if found == currency and month in months
        ]
        shown = figures(tables[f"bridge-{currency}"])
        assert shown == figures([list(map(str, row)) for row in expected])

    arr = built.query(
        "SELECT currency, month, vendor, sum(arr) FROM marts.revenue_retention"
        " GROUP BY ALL ORDER BY ALL"
    )
    months = sorted({row[1] for row in arr})[-24:]
    for currency in {row[0] for row in arr if row[1] in months}:
        expected = [
            [f"{month:%Y-%m}", vendor, str(value)]
            for found, month, vendor, value in arr
            if found == currency and month in months
        ]
        assert figures(tables[f"arr-{currency}"]) == figures(expected)

    aging = built.query(
        "SELECT vendor, currency, bucket, count(*), sum(open_balance)"
        " FROM marts.receivables_aging GROUP BY ALL"
    )
    assert sorted(figures(tables["aging"])) == sorted(
        figures([list(map(str, row)) for row in aging])
    )
    renewals = built.query(
        "SELECT renewal_date, vendor, customer_name, currency, arr, renewal_unit_partner_price"
        " FROM marts.renewals WHERE days_until_renewal <= 90"
    )
    listed = [
        (row[0], row[1], row[2], row[4], row[6], row[8]) for row in figures(tables["renewals"])
    ]
    assert renewals and sorted(listed) == sorted(
        figures([[str(value) if value is not None else "" for value in row] for row in renewals])
    )

    shot = tmp_path / "report.png"
    result = chromium(tmp_path, f"--screenshot={shot}", page.as_uri(), window="960,1400")
    assert result.returncode == 0, result.stderr[-2000:]
    keep_picture(shot, ROOT / "docs" / "marts-report.png")


BROKEN_LINES = """
-- Broken on purpose: one Zuora line twice (a duplicated key, and money no longer conserved).
with good as ({good})
select * from good
union all
select * from (select * from good where vendor = 'zuora' order by line_key limit 1) as twice
"""


def test_a_broken_model_and_a_wrong_balance_fail_the_singular_tests(built, tmp_path):
    project = tmp_path / "transform"
    shutil.copytree(TRANSFORM, project, ignore=shutil.ignore_patterns("target", "logs"))
    lines = project / "models" / "marts" / "billing_line_items.sql"
    lines.write_text(BROKEN_LINES.format(good=lines.read_text()))
    broken = Built(built.sandbox, tmp_path)
    shutil.copy(built.warehouse, broken.warehouse)
    with duckdb.connect(str(broken.warehouse)) as connection:
        connection.execute(
            "UPDATE zuora.accounts SET remaining_invoice_balance = remaining_invoice_balance + 1"
            " WHERE id = (SELECT min(id) FROM zuora.accounts)"
        )
    # The marts the broken model feeds, and the tests on them (the rest stands from `built`).
    broken.build(
        "broken", "--select", "billing_line_items+", "open_balances_equal_sources", project=project
    )
    build, failed = broken.builds["broken"]
    assert build.returncode != 0
    assert {
        "unique_billing_line_items_line_key",
        "billing_line_items_conserve_money",
        "invoice_totals_equal_their_lines",
        "open_balances_equal_sources",
    } <= failed, failed
