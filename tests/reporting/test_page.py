"""/transparency, `endwatch report`, and the report's own translations (gettext domain "report")."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from endwatch.extensions import LANGUAGES
from tests.reporting.test_figures import build_year

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "endwatch" / "translations"
TRANSLATED = [code for code in LANGUAGES if code != "en"]
# Refresh with: pybabel extract -k rt -k lazy --no-default-keywords -o endwatch/translations/report.pot
#   reporting/labels.py templates/reports/_report.html templates/reports/transparency.html
SOURCES = [
    ("python", ROOT / "reporting" / "labels.py"),
    ("jinja2", ROOT / "templates" / "reports" / "_report.html"),
    ("jinja2", ROOT / "templates" / "reports" / "transparency.html"),
]
KEYWORDS = {"rt": None, "lazy": None}


def report_msgids() -> set[str]:
    found = set()
    for method, path in SOURCES:
        for _lineno, message, _comments, _context in extract_from_file(method, str(path), keywords=KEYWORDS):
            found.add(message if isinstance(message, str) else message[0])
    return found


def catalog(code: str):  # type: ignore[no-untyped-def]
    with open(TRANSLATIONS / code / "LC_MESSAGES" / "report.po", "rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_report_string_is_translated_and_compiled(code):
    po = catalog(code)
    missing = sorted(m for m in report_msgids() if not (po.get(m) and po.get(m).string))
    assert missing == [], f"{code}: {len(missing)} untranslated, first: {missing[:3]}"
    assert [m.id for m in po if m.id and m.fuzzy] == []
    assert [(m.id, errors) for m, errors in po.check()] == []
    with open(TRANSLATIONS / code / "LC_MESSAGES" / "report.mo", "rb") as handle:
        compiled = {m.id: m.string for m in read_mo(handle) if m.id}
    assert compiled == {m.id: m.string for m in po if m.id}, "run pybabel compile -D report"


def test_the_template_file_lists_every_report_string():
    with open(TRANSLATIONS / "report.pot", "rb") as handle:
        assert report_msgids() <= {m.id for m in read_po(handle) if m.id}


def publish_year(app, session, year: int = 2025):  # type: ignore[no-untyped-def]
    """Publish `year` as staff would (the public pages show published snapshots only)."""
    from endwatch.db import utcnow
    from reporting import snapshots

    snapshot = snapshots.publish(
        session, app.config["ENDWATCH"], snapshots.Period(year), actor="test", now=utcnow()
    )
    session.flush()
    return snapshot


@pytest.fixture
def year_2025(app, session, make_member):  # type: ignore[no-untyped-def]
    build_year(session, make_member)
    session.flush()
    return publish_year(app, session)


def visible_text(page: str) -> str:
    return re.sub(r"<[^>]+>", "\n", page.split("<body", 1)[1])


@pytest.mark.parametrize("code", LANGUAGES)
def test_public_page_is_in_the_chosen_language_and_direction(client, year_2025, code):
    response = client.get(f"/transparency/2025?lang={code}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<html lang="{code}" dir="{"rtl" if code == "ar" else "ltr"}">' in page
    assert "<script" not in page and "style=" not in page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 4
    if code != "en":
        text = visible_text(page)
        for english in ("How to read the numbers", "Where else you can report", "Reports by outcome"):
            assert english not in text
    po_heading = catalog(code).get("How the process works") if code != "en" else None
    assert (po_heading.string if po_heading else "How the process works") in page


def test_public_page_shows_small_counts_as_fewer_than_k(client, year_2025):
    page = client.get("/transparency/2025").get_data(as_text=True)
    assert "fewer than 5" in page and "withheld" in page
    assert re.search(r'<span class="big">6</span>', page)  # reports received
    # The suppressed rows of the region table: labels only, never the count behind them.
    europe = re.search(r"<th scope=\"row\">Europe</th><td class=\"num hidden\">([^<]+)</td>", page)
    assert europe and europe.group(1) == "fewer than 5"
    # Hidden bars are a fixed-size outline; only shown counts get a bar proportional to the number.
    assert re.findall(r'class="bar hidden"[^>]*width="(\d+)"', page) == ["24"] * len(
        re.findall(r'class="bar hidden"', page)
    )


def test_public_page_links_every_language(client, year_2025):
    page = client.get("/transparency/2025?lang=fr").get_data(as_text=True)
    for code in ("en", "es", "ar", "ru"):
        assert f'href="/transparency/2025?lang={code}"' in page
    assert "moins de 5" in page


def test_k_comes_from_the_config(app_config, connection, session, make_member):
    from endwatch.app import create_app

    application = create_app({**app_config, "report_min_count": 3}, environ={}, bind=connection)
    build_year(session, make_member)
    session.flush()
    publish_year(application, session)
    page = application.test_client().get("/transparency/2025").get_data(as_text=True)
    assert "fewer than 3" in page and "fewer than 5" not in page


def test_years_out_of_range_or_unpublished_are_not_found(client, year_2025):
    assert client.get("/transparency/1999").status_code == 404
    assert client.get("/transparency/2999").status_code == 404
    # 2024 and 2026 have reports (build_year), but only 2025 is published.
    assert client.get("/transparency/2024").status_code == 404
    assert client.get("/transparency/2026").status_code == 404
    assert client.get("/transparency/2024.json").status_code == 404
    latest = client.get("/transparency")
    assert latest.status_code == 200
    assert latest.get_data() == client.get("/transparency/2025").get_data()


def test_before_anything_is_published_the_page_says_so(client, session, make_member):
    build_year(session, make_member)
    session.flush()
    page = client.get("/transparency").get_data(as_text=True)
    assert "No report has been published yet." in page
    assert "<svg" not in page and "2025" not in page.split("<body", 1)[1]
    arabic = client.get("/transparency?lang=ar").get_data(as_text=True)
    assert catalog("ar").get("No report has been published yet.").string in arabic


def test_the_years_listed_are_the_published_ones(app, client, session, year_2025):
    publish_year(app, session, 2024)
    page = client.get("/transparency/2025").get_data(as_text=True)
    years = re.search(r'<nav class="years".*?</nav>', page, re.S)
    assert years is not None
    assert re.findall(r">(20\d\d)<", years.group(0)) == ["2025", "2024"]


def test_the_published_figures_download_as_json(client, year_2025):
    response = client.get("/transparency/2025.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.get_json()
    assert document["grievances"]["received"] == 6
    assert document["grievances"]["by_category"]["privacy"] == "fewer than 5"
    assert document["safeguard_actions"]["by_type"]["suspend"] == 1
    assert document["sha256"] == year_2025.digest
    assert document["as_of"] == document["published"] == year_2025.published_at.date().isoformat()


def test_public_page_needs_no_login_and_keeps_the_security_headers(client):
    response = client.get("/transparency")
    assert response.status_code == 200
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


# -- the command line --------------------------------------------------------------------------------


def test_report_command_writes_json(cli, year_2025):
    result = cli("report", "--year", "2025", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["year"] == 2025
    assert document["grievances"]["received"] == 6
    assert document["grievances"]["by_category"]["privacy"] == "fewer than 5"
    assert document["reassessments_done"] == 7
    assert [s["stage"] for s in document["process"]["stages"]] == [
        "received", "assessing", "addressing", "concluded"
    ]
    assert {r["route"] for r in document["process"]["outside_routes"]} == {
        "nhri", "oecd_ncp", "un_special_procedures", "civil_society"
    }


def test_report_command_writes_csv(cli, year_2025):
    result = cli("report", "--year", "2025", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = dict(csv.reader(io.StringIO(result.output)))
    assert rows["figure"] == "value"
    assert rows["grievances.received"] == "6"
    assert rows["grievances.by_region.oceania"] == "0"
    assert rows["safeguard_actions.total"] == "6"  # the company's own decisions: exact
    assert rows["timeliness.median_days_to_acknowledge"] == "2.0"


@pytest.mark.parametrize("code", ["en", "ar"])
def test_report_command_writes_standalone_html(cli, year_2025, code):
    result = cli("report", "--year", "2025", "--format", "html", "--lang", code)
    assert result.exit_code == 0, result.output
    page = result.output
    assert page.startswith("<!doctype html>")
    assert f'dir="{"rtl" if code == "ar" else "ltr"}"' in page
    assert "<style>" in page and "svg.chart" in page  # the stylesheet travels with the file
    assert "<script" not in page and "<link" not in page


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "pdf"], "--format must be one of html, json, csv"),
        (["--lang", "de"], "--lang must be one of"),
        (["--year", "1999"], "--year must be between"),
    ],
)
def test_report_command_refuses_bad_input_with_one_line(cli, args, message):
    options = {"--year": "2025", "--format": "json"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        options[flag] = value
    result = cli("report", *[part for pair in options.items() for part in pair])
    assert result.exit_code != 0
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_the_demo_leaves_a_finished_year_to_publish(app, session, recovery_key):
    from endwatch.db import utcnow
    from grievance import demo
    from reporting import figures

    year = utcnow().year - 1
    demo.load_past_year(session, app.config["ENDWATCH"], year, count=20)
    session.flush()
    counted = figures.figures(session, year, utcnow())
    assert counted.received == 20
    assert counted.by_outcome["substantiated"] > 0 and counted.acknowledgement["on_time"] > 0
