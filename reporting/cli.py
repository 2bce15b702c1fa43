"""`endwatch report --year YYYY --format html|json|csv` prints a year's report (the published snapshot, or a
preview computed now); `endwatch report publish YYYY` publishes a year that has ended."""

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
from reporting import figures, labels, pages, snapshots

FORMATS = ("html", "json", "csv")


@click.group("report", invoke_without_command=True)
@click.option("--year", type=int, help="Calendar year of the report (UTC).")
@click.option("--format", "fmt", default="html", show_default=True, help="html, json or csv")
@click.option("--lang", default="en", show_default=True, help="Language: " + ", ".join(LANGUAGES))
@click.pass_context
def report_command(ctx: click.Context, year: int | None, fmt: str, lang: str) -> None:
    """Print the transparency report of a year: the published one, or for staff what it would be now.

    `endwatch report publish YEAR` publishes a year that has ended; the public page shows only those.
    """
    if ctx.invoked_subcommand is not None:
        return
    if year is None:
        raise click.ClickException("--year is required (or `report publish YEAR` to publish one)")
    print_report(year, fmt, lang)


@with_app
def print_report(year: int, fmt: str, lang: str) -> None:
    if fmt not in FORMATS:
        raise click.ClickException(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if lang not in LANGUAGES:
        raise click.ClickException(f"--lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    now = datetime.now(UTC)
    if not snapshots.FIRST_YEAR <= year <= now.year:
        raise click.ClickException(f"--year must be between {snapshots.FIRST_YEAR} and {now.year}")
    period = snapshots.Period(year)
    snapshot = snapshots.find(db.session(), period)
    if snapshot is not None:
        published = snapshots.report_of(snapshot)
    else:
        published = snapshots.preview(db.session(), current_app.config["ENDWATCH"], period, now)
    # Labels are translated per request: render as the public page would be for ?lang=.
    with current_app.test_request_context(f"/transparency/{year}?lang={lang}"):
        if fmt == "json":
            document = figures.as_json(published, labels.process())
            document["published"] = snapshot.published_at.date().isoformat() if snapshot else None
            click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        elif fmt == "csv":
            click.echo(as_csv(published), nl=False)
        else:
            click.echo(as_html(published))


@report_command.command("publish")
@click.argument("period")
@with_app
def publish_command(period: str) -> None:
    """Publish the report of PERIOD (a calendar year that has ended, e.g. 2025); it never changes after."""
    now = datetime.now(UTC)
    session = db.session()
    try:
        chosen = snapshots.parse_period(period, now)
        snapshot = snapshots.publish(session, current_app.config["ENDWATCH"], chosen, actor="cli", now=now)
    except snapshots.PublishRefused as refused:
        session.rollback()
        raise click.ClickException(f"not published: {refused}") from None
    session.commit()
    click.echo(
        f"Published the transparency report for {chosen} (SHA-256 {snapshot.digest}): /transparency/{chosen}"
    )


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
