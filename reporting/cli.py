"""`endwatch report --year YYYY --format html|json|csv`: the published report, small counts protected."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

import click
from flask import current_app, render_template

from endwatch import db
from endwatch.cli_support import with_app
from endwatch.csvfile import safe_row
from endwatch.extensions import LANGUAGES
from reporting import figures, labels, pages

FORMATS = ("html", "json", "csv")


@click.command("report")
@click.option("--year", required=True, type=int, help="Calendar year of the report (UTC).")
@click.option("--format", "fmt", default="html", show_default=True, help="html, json or csv")
@click.option("--lang", default="en", show_default=True, help="Language: " + ", ".join(LANGUAGES))
@with_app
def report_command(year: int, fmt: str, lang: str) -> None:
    """Print the public transparency report of a year (counts below k shown as 'fewer than k')."""
    if fmt not in FORMATS:
        raise click.ClickException(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if lang not in LANGUAGES:
        raise click.ClickException(f"--lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    now = datetime.now(UTC)
    if not pages.FIRST_YEAR <= year <= now.year:
        raise click.ClickException(f"--year must be between {pages.FIRST_YEAR} and {now.year}")
    config = current_app.config["ENDWATCH"]
    published = figures.publish(figures.figures(db.session(), year, now), config.report_min_count)
    # Labels are translated per request: render as the public page would be for ?lang=.
    with current_app.test_request_context(f"/transparency/{year}?lang={lang}"):
        if fmt == "json":
            document = figures.as_json(published, labels.process())
            click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        elif fmt == "csv":
            click.echo(as_csv(published), nl=False)
        else:
            click.echo(as_html(published))


def as_html(published: figures.PublicReport) -> str:
    """A stand-alone HTML file (stylesheet inlined, no script) in the current request's language."""
    return render_template("reports/standalone.html", css=pages.stylesheet(), **pages.page_context(published))


def csv_rows(document: dict[str, Any], prefix: str = "") -> list[list[str]]:
    """Flatten the JSON report into (figure, value) rows; the process text is left to html and json."""
    rows: list[list[str]] = []
    for key, value in document.items():
        name = f"{prefix}.{key}" if prefix else key
        if key == "process":
            continue
        if isinstance(value, dict):
            rows.extend(csv_rows(value, name))
        else:
            rows.append([name, "" if value is None else str(value)])
    return rows


def as_csv(published: figures.PublicReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["figure", "value"])
    writer.writerows(safe_row(row) for row in csv_rows(figures.as_json(published, {})))
    return buffer.getvalue()


COMMANDS: list[click.Command] = [report_command]
