"""`endwatch lists ...` and `endwatch screening ...`: thin commands over the screening services."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from endwatch import audit, db
from endwatch.cli_support import with_app
from endwatch.config import Config
from screening import review
from screening.errors import ScreeningError
from screening.models import ListFormat

FORMATS = ("ftm", "csl", "sdn")


# screening.runs and screening.lists load the name analyser's tables (a fifth of a second): imported by the
# commands that use them, so that every other `endwatch` command starts without them.


def _config() -> Config:
    return current_app.config["ENDWATCH"]


@click.group("lists")
def lists_group() -> None:
    """Restricted-party lists (OpenSanctions FtM, US Consolidated Screening List, OFAC SDN)."""


@lists_group.command("import")
@click.argument("source", metavar="PATH_OR_URL")
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), required=True, help="The list's published format."
)
@click.option("--name", required=True, help="Name shown to staff and in the export.")
@with_app
def lists_import(source: str, fmt: str, name: str) -> None:
    """Load a list now and screen what it added or changed; loading the same content again changes nothing.

    For the sdn format give the folder or the sdn.csv of OFAC's sdn.csv, alt.csv and add.csv (or the URL
    of sdn.csv: the other two are fetched from beside it). A URL is polled later with conditional GET.
    """
    from screening import lists as list_service
    from screening import runs

    if not list_service.is_url(source) and not Path(source).exists():
        raise click.ClickException(f"cannot read {source}: no such file or folder")
    try:
        with db.unit_of_work() as session:
            outcome = runs.import_and_screen(session, _config(), name, source, ListFormat(fmt))
    except ScreeningError as exc:
        raise click.ClickException(str(exc)) from None
    for line in outcome.lines():
        click.echo(line)
    runs.announce_critical(outcome.alerts)


@lists_group.command("refresh")
@with_app
def lists_refresh() -> None:
    """Re-read every list (conditional GET for URLs) and screen what changed; a failing list is reported."""
    from screening import runs

    with db.unit_of_work() as session:
        outcome = runs.refresh_and_screen(session, _config(), due_only=False)
    for line in outcome.lines():
        click.echo(line)
    runs.announce_critical(outcome.alerts)
    if outcome.failed:
        raise click.ClickException(f"{outcome.failed} list(s) could not be refreshed")


@lists_group.command("list")
@with_app
def lists_list() -> None:
    """Every list with its version, size and health."""
    from screening import runs

    for lst in runs.all_lists(db.session()):
        loaded = lst.last_loaded_at.strftime("%Y-%m-%d %H:%M") if lst.last_loaded_at else "never"
        health = (
            f"failing x{lst.consecutive_failures}: {lst.last_error}" if lst.consecutive_failures else "ok"
        )
        click.echo(
            f"{lst.id}\t{lst.name}\t{lst.format.value}\tversion {lst.version}\t{lst.entity_count} entities\t"
            f"loaded {loaded}\t{health}\t{lst.source}"
        )


@click.group("screening")
def screening_group() -> None:
    """Screening of customers and intermediaries against the lists."""


@screening_group.command("run")
@with_app
def screening_run() -> None:
    """Screen every customer and intermediary against every list now."""
    from screening import runs

    try:
        with db.unit_of_work() as session:
            outcome = runs.screen_everything(session, _config())
    except ScreeningError as exc:
        raise click.ClickException(str(exc)) from None
    for line in outcome.lines():
        click.echo(line)
    runs.announce_critical(outcome.alerts)
    if outcome.failed:
        raise click.ClickException("screening through yente failed; the local lists were screened")


@screening_group.command("export")
@click.option("--format", "fmt", type=click.Choice(("json", "csv")), default="json", show_default=True)
@with_app
def screening_export(fmt: str) -> None:
    """Every hit: customer, list, entity_id, entity_name, score, status, reasons (and more); audited."""
    with db.unit_of_work() as session:
        text = review.export_json(session) if fmt == "json" else review.export_csv(session)
        audit.record(session, "screening.export", actor="cli", details={"format": fmt})
    click.echo(text, nl=False)


COMMANDS = [lists_group, screening_group]
