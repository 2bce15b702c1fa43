"""`endwatch cases ...`: retention purge, queue export and the overdue digest, through the services."""

from __future__ import annotations

import sys

import click
from sqlalchemy import select

from endwatch import accounts, crypto, db, mail
from endwatch.cli_support import get_app, with_app
from endwatch.db import utcnow
from grievance import access, jobs, retention
from grievance.errors import GrievanceError
from grievance.models import Case, CaseState
from grievance.triage import export, queue
from grievance.triage.services import is_recused


@click.group("cases")
def cases() -> None:
    """Grievance cases (content is never printed: it needs a staff member's key)."""


@cases.command("purge")
@click.option("--dry-run", is_flag=True, help="List the cases that would be purged; change nothing.")
@with_app
def purge(dry_run: bool) -> None:
    """Purge concluded cases older than ENDWATCH_RETENTION_DAYS (files, rows; audited)."""
    config = get_app().config["ENDWATCH"]
    now = utcnow()
    if dry_run:
        due = retention.due_for_purge(db.session(), config.retention_days, now)
        click.echo(f"{len(due)} case(s) would be purged (retention {config.retention_days} days)")
        return
    with db.unit_of_work() as session:
        purged = retention.purge_due(session, config, now, actor="cli")
    click.echo(f"Purged {len(purged)} case(s) concluded more than {config.retention_days} days ago")


@cases.command("export-queue")
@click.option("--state", type=click.Choice([s.value for s in CaseState]), help="Only cases in this state.")
@click.option("--overdue", is_flag=True, help="Only overdue cases.")
@click.option("--country", default="", help="Only cases from this country (ISO 3166-1 alpha-2).")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout)."
)
@with_app
def export_queue(state: str | None, overdue: bool, country: str, output: str | None) -> None:
    """Write the queue as CSV: clear fields only, never content. The export is audited."""
    if country and (len(country) != 2 or not country.isalpha()):
        raise click.ClickException(f"--country must be a two-letter ISO code, got {country!r}")
    config = get_app().config["ENDWATCH"]
    filters = queue.QueueFilters(
        state=CaseState(state) if state else None, overdue=overdue, country=country.upper()
    )
    with db.unit_of_work() as session:
        rows = queue.all_rows(session, filters, None, utcnow(), config.retention_days)
        body = export.queue_csv(session, rows, filters, actor="cli")
        if output:
            try:
                with open(output, "w", encoding="utf-8", newline="") as handle:
                    handle.write(body)
            except OSError as exc:
                raise click.ClickException(f"{output}: cannot write ({exc.strerror})") from None
        else:
            sys.stdout.write(body)


@cases.command("digest")
@with_app
def digest() -> None:
    """Send the overdue digest now (it is also sent daily by the scheduler)."""
    config = get_app().config["ENDWATCH"]
    if not mail.staff_mail_enabled(config):
        raise click.ClickException("set ENDWATCH_SMTP_HOST and ENDWATCH_NOTIFY_EMAILS to send the digest")
    try:
        with db.unit_of_work() as session:
            count = jobs.overdue_digest(session, config)
    except mail.MailFailed as exc:
        raise click.ClickException(f"could not reach the mail server: {exc}") from None
    click.echo(f"Digest sent: {count} overdue case(s)")


@cases.command("grant")
@click.argument("email")
@click.option("--case", "references", multiple=True, help="Case reference (repeatable); default: every case.")
@with_app
def grant(email: str, references: tuple[str, ...]) -> None:
    """Seal case keys to EMAIL with the offline recovery key (asked for on the terminal, never stored)."""
    encoded = click.prompt("Organisation recovery key", hide_input=True)
    try:
        recovery = crypto.decode_key(encoded)
        if len(recovery) != crypto.KEY_BYTES:
            raise ValueError
    except ValueError:
        raise click.ClickException("that is not a recovery key") from None
    try:
        with db.unit_of_work() as session:
            member = accounts.find_user(session, email)
            if member is None:
                raise click.ClickException(f"no staff member has e-mail {email}")
            query = select(Case).order_by(Case.id)
            if references:
                query = query.where(Case.reference.in_([r.strip().upper() for r in references]))
            granted = 0
            for case in session.scalars(query):
                if not is_recused(session, case.id, member.id):
                    access.grant_access(session, case, recovery, member)
                    granted += 1
    except GrievanceError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{email} can now open {granted} case(s)")


COMMANDS: list[click.Command] = [cases]
