"""`endwatch feeds ...` and `endwatch alerts ...`: thin commands over the monitoring services."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import click
from flask import current_app

from endwatch import audit, db
from endwatch.cli_support import with_app
from endwatch.config import Config
from monitoring import alerts as alert_service
from monitoring import notify, services
from monitoring.errors import MonitoringError, NotifyError
from monitoring.fetch import fetch_feed, limits_for
from monitoring.ingest import cycle_collector_paused
from monitoring.polling import poll_due_feeds

ACTOR = "cli"


def _config() -> Config:
    return current_app.config["ENDWATCH"]


def _announce_critical() -> None:
    """After the work is committed, tell staff about new critical alerts at once."""
    try:
        with db.unit_of_work() as session:
            notify.notify_critical(session, _config())
    except Exception as exc:  # the alerts are stored; the notify job will retry
        click.echo(f"warning: critical alerts not announced yet: {exc}", err=True)


@click.group()
def feeds() -> None:
    """News and NGO feeds watched for customers' names."""


@feeds.command("add")
@click.argument("url")
@click.option("--name", required=True, help="Name shown to staff.")
@click.option("--credibility", required=True, help="How far the source is trusted, 0 to 1.")
@with_app
def feeds_add(url: str, name: str, credibility: str) -> None:
    """Add a feed to poll."""
    try:
        with db.unit_of_work() as session:
            feed = services.add_feed(session, url, name, credibility, actor=ACTOR)
    except MonitoringError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Added feed {feed.id}: {feed.name} <{feed.url}> (credibility {feed.credibility:g})")


@feeds.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--credibility",
    default=str(services.DEFAULT_CREDIBILITY),
    show_default=True,
    help="Credibility of outlines that do not give their own.",
)
@with_app
def feeds_import(path: Path, credibility: str) -> None:
    """Add every feed listed in an OPML file (feeds already present are skipped)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        with db.unit_of_work() as session:
            added, skipped = services.import_opml(session, data, actor=ACTOR, default_credibility=credibility)
    except MonitoringError as exc:
        raise click.ClickException(f"{path}: {exc}") from None
    for feed in added:
        click.echo(f"Added feed {feed.id}: {feed.name} <{feed.url}>")
    click.echo(f"Imported {len(added)} feed(s); {skipped} already present.")


@feeds.command("ingest")
@click.argument("source", metavar="PATH_OR_URL")
@click.option("--name", default=None, help="Feed name (default: the feed's own title).")
@click.option("--credibility", default=None, help=f"0 to 1 (default {services.DEFAULT_CREDIBILITY}).")
@with_app
def feeds_ingest(source: str, name: str | None, credibility: str | None) -> None:
    """Parse a feed file or URL now, store, match and alert; running it again adds nothing."""
    try:
        # The cycle collector swept the parsed feed, the kept matcher and every row again and again,
        # finding nothing: paused for this one command (a sixth of its time at 50,000 customers).
        with cycle_collector_paused(), db.unit_of_work() as session:
            feed, report = services.ingest_source(
                session,
                source,
                name=name,
                credibility=credibility,
                actor=ACTOR,
                poll_minutes=_config().feed_poll_minutes,
                fetch=partial(fetch_feed, limits=limits_for(_config().feed_allow_private_networks)),
            )
            line = (
                f"{feed.name}: {report.entries} new entries, {report.duplicates} already stored, "
                f"{report.alerts} new alerts"
            )
    except MonitoringError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(line)
    if report.alerts:
        _announce_critical()


@feeds.command("poll")
@with_app
def feeds_poll() -> None:
    """Poll every due feed once."""
    with db.unit_of_work() as session:
        report = poll_due_feeds(session, _config())
    click.echo(
        f"Polled {report.polled} feed(s): {report.updated} updated, {report.not_modified} not modified, "
        f"{report.failed} failed; {report.entries} new entries, {report.alerts} new alerts"
    )
    for name, error in sorted(report.errors.items()):
        click.echo(f"  {name}: {error}")
    if report.alerts:
        _announce_critical()


@feeds.command("list")
@with_app
def feeds_list() -> None:
    """Every feed with its health."""
    for feed in services.feeds_with_health(db.session()):
        state = (
            "not polled"
            if not feed.active
            else ("ok" if feed.healthy else f"failing x{feed.consecutive_failures}")
        )
        last = feed.last_success_at.strftime("%Y-%m-%d %H:%M") if feed.last_success_at else "never"
        due = (
            feed.next_poll_at.strftime("%Y-%m-%d %H:%M")
            if feed.next_poll_at
            else ("now" if feed.active else "-")
        )
        error = f"  last error: {feed.last_error}" if feed.last_error else ""
        click.echo(f"{feed.id}\t{feed.name}\t{feed.url}\t{state}\tlast success {last}\tnext {due}{error}")


@click.group()
def alerts() -> None:
    """Alerts raised when a watched customer is named in a report."""


@alerts.command("export")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of standard output.",
)
@with_app
def alerts_export(fmt: str, output: Path | None) -> None:
    """Every alert, every level and status; the export is audited."""
    with db.unit_of_work() as session:
        text = alert_service.export_json(session) if fmt == "json" else alert_service.export_csv(session)
        where = "standard output" if output is None else "file"
        audit.record(session, "alerts.export", actor="cli", details={"format": fmt, "to": where})
        if output is None:
            click.echo(text, nl=False)
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None


@alerts.command("digest")
@with_app
def alerts_digest() -> None:
    """Send the digest of waiting non-critical alerts now."""
    try:
        with db.unit_of_work() as session:
            sent = notify.send_digest(session, _config(), force=True)
    except NotifyError as exc:
        raise click.ClickException(f"digest not sent: {exc}") from None
    click.echo(f"Digest sent with {sent} alert(s)." if sent else "No alerts waiting for a digest.")


COMMANDS: list[click.Command] = [feeds, alerts]
