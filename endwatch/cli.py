"""The `endwatch` command: the shell's own commands, and one group per domain attached in `main()`."""

from __future__ import annotations

import errno
import socket
import sys
from datetime import timedelta

import click
from flask import current_app
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from contracts import cli as contracts_cli
from contracts import demo as contracts_demo
from endwatch import accounts, audit, db, keyring, migrate, scheduler, startup
from endwatch.app import default_home
from endwatch.auth import password_params
from endwatch.cli_support import command, get_app, with_app
from endwatch.config import ConfigError, load_config
from endwatch.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS
from endwatch.models import User
from grievance import cli as grievance_cli
from grievance import demo as grievance_demo
from monitoring import cli as monitoring_cli
from monitoring import demo as monitoring_demo
from reporting import cli as reporting_cli
from reporting import demo as reporting_demo
from screening import cli as screening_cli
from screening import demo as screening_demo

# Every domain's commands, attached to the root group by main(): one list, in the order `--help` shows them.
DOMAIN_COMMANDS: tuple[click.Command, ...] = (
    *contracts_cli.COMMANDS,
    *monitoring_cli.COMMANDS,
    *grievance_cli.COMMANDS,
    *reporting_cli.COMMANDS,
    *screening_cli.COMMANDS,
)
# Demo data of every domain, loaded in this order (monitoring matches contracts' customers, and so on).
DEMO_LOADERS = (
    contracts_demo.load_demo,
    monitoring_demo.load_demo,
    grievance_demo.load_demo,
    screening_demo.load_demo,
    reporting_demo.load_demo,
)


@click.group()
@click.option(
    "--progress/--no-progress",
    "show_progress",
    default=None,
    help="Show progress of long work on stderr (default: only when stderr is a terminal).",
)
@click.pass_context
def root(ctx: click.Context, show_progress: bool | None) -> None:
    """Endwatch: post-export misuse monitoring and grievance platform."""
    ctx.ensure_object(dict)["progress"] = show_progress


@root.command()
@click.option("--demo", is_flag=True, help="Load sample data for every part.")
def init(demo: bool) -> None:
    """Create or upgrade the schema and create keys; --demo loads sample data."""
    obj = click.get_current_context().find_root().ensure_object(dict)
    if "app" not in obj:
        settings = load_config(default_home=default_home())
        keyring.ensure_home(settings)
        for name in keyring.ensure_file_secrets(settings):
            click.echo(f"Created server secret {settings.keys_path / name}")
    app = get_app()
    with app.app_context():
        migrate.upgrade(db.get_database().engine)
        with db.unit_of_work() as session:
            recovery = keyring.ensure_recovery_key(session)
            lines = _load_demo(session) if demo else []
        audit.ensure_checkpoint(db.session(), app.config["ENDWATCH"], str(app.secret_key))
    settings = app.config["ENDWATCH"]
    click.echo(f"Database ready at revision {migrate.head_revision()} ({_safe_url(settings.database_url)})")
    if recovery:
        click.echo("")
        click.echo("ORGANISATION RECOVERY KEY (shown once; it opens every case):")
        click.echo(f"    {recovery}")
        click.echo("Write it down and keep it offline, away from this server. It is not stored anywhere.")
        click.echo("")
    for line in lines:
        click.echo(line)


def _load_demo(session: Session) -> list[str]:
    lines = []
    if accounts.find_user(session, DEMO_USERS[0][0]) is None:
        for email, role in DEMO_USERS:
            accounts.create_user(
                session,
                email,
                role,
                password_params(),
                password=DEMO_PASSWORD,
                totp_secret=DEMO_TOTP_SECRET,
                actor="demo",
            )
        config = current_app.config["ENDWATCH"]
        for load_demo in DEMO_LOADERS:
            lines.extend(load_demo(session, config))
    else:
        lines.append("Demo data is already loaded.")
    lines += [
        f"Demo staff accounts (password {DEMO_PASSWORD!r}, authenticator secret {DEMO_TOTP_SECRET};",
        f"print the current code with: {command()} totp {DEMO_TOTP_SECRET}):",
        *(f"    {email:36} {role}" for email, role in DEMO_USERS),
    ]
    return lines


@root.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
def serve(host: str, port: int, threads: int) -> None:
    """Web server with the scheduler in the same process (embedded default)."""
    from waitress import serve as waitress_serve

    app = get_app()
    settings = app.config["ENDWATCH"]
    with app.app_context():
        if migrate.current_revision(db.get_database().engine) is None:
            raise click.ClickException(f"the database has no schema: run `{command()} init` first")
    # Nothing is in flight yet: whatever the sweeps find was left by work that never committed.
    _check_port_free(host, port)
    startup.run_sweeps(app, grace=timedelta(0))
    if settings.scheduler == "embedded":
        scheduler.build(app, blocking=False).start()
    click.echo(f"Public intake:  http://{host}:{port}/")
    click.echo(f"Staff login:    http://{host}:{port}/staff/login   (Ctrl-C stops the server)")
    try:
        waitress_serve(app, host=host, port=port, threads=threads, ident="endwatch", _quiet=True)
    except OSError as exc:  # the port was taken between the check and now
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None


@root.command()
def worker() -> None:
    """Run the scheduler only (production: exactly one of these)."""
    app = get_app()
    click.echo("Endwatch worker: running scheduled jobs")
    scheduler.build(app, blocking=True).start()


@root.group()
def users() -> None:
    """Staff accounts."""


@users.command("create")
@click.argument("email")
@click.option("--role", required=True, help="admin, triager or auditor")
@with_app
def users_create(email: str, role: str) -> None:
    """Create an account and print its one-time password."""
    try:
        with db.unit_of_work() as session:
            user, one_time = accounts.create_user(session, email, role, password_params())
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created {user.email} ({user.role.value}). One-time password: {one_time}")
    click.echo("They must change it and enrol an authenticator app at first login.")


@users.command("list")
@with_app
def users_list() -> None:
    """List staff accounts."""
    for user in db.session().scalars(select(User).order_by(User.email)):
        state = "active" if user.active else "inactive"
        click.echo(f"{user.email}\t{user.role.value}\t{state}")


@root.group("audit")
def audit_group() -> None:
    """The audit chain."""


@audit_group.command("verify")
@click.option(
    "--anchor",
    "anchors",
    multiple=True,
    metavar="SEQ:HASH",
    help="A tip printed earlier by `endwatch audit head`; the record must still carry that hash.",
)
@with_app
def audit_verify(anchors: tuple[str, ...]) -> None:
    """Exit 1 and name the first bad record if the chain is broken."""
    session = db.session()
    checkpoint = audit.load_checkpoint(current_app.config["ENDWATCH"], str(current_app.secret_key))
    report = audit.verify(session, checkpoint)
    if not report.ok:
        click.echo(f"audit chain broken at record {report.bad_seq}: {report.problem}", err=True)
        sys.exit(1)
    for anchor in anchors:
        seq_text, _, expected = anchor.partition(":")
        if not seq_text.isdigit() or len(expected) != 64:
            raise click.ClickException(
                f"--anchor takes SEQ:HASH as printed by `endwatch audit head`, got {anchor!r}"
            )
        if not audit.matches_anchor(session, int(seq_text), expected):
            click.echo(f"audit chain rewritten: record {seq_text} no longer matches its anchor", err=True)
            sys.exit(1)
    click.echo(f"audit chain intact: {report.records} records (checkpoint at record {report.checkpoint})")


@audit_group.command("head")
@with_app
def audit_head() -> None:
    """Print the chain's tip as SEQ:HASH, to keep off the server (anchors `audit verify --anchor`)."""
    seq, tip = audit.head(db.session())
    click.echo(f"{seq}:{tip}")


@root.command("totp")
@click.argument("secret")
def totp(secret: str) -> None:
    """Print the current code for a TOTP secret (for the demo accounts)."""
    click.echo(accounts.current_totp(secret))


def _check_port_free(host: str, port: int) -> None:
    """One clear line instead of a traceback when another program holds the port."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise click.ClickException(f"cannot listen on {host}: {exc.strerror}") from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise click.ClickException(
                    f"port {port} on {host} is already in use: stop the program using it, or choose "
                    f"another port with --port (scripts/run --port {port + 1})"
                ) from None
            raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def command_line() -> click.Group:
    """The root group with every domain's commands attached (from DOMAIN_COMMANDS)."""
    for domain_command in DOMAIN_COMMANDS:
        root.add_command(domain_command)
    return root


def main() -> None:
    try:
        command_line().main(prog_name="endwatch")
    except ConfigError as exc:
        # Library messages name commands as `endwatch ...`; say them the way they work from here.
        click.echo(f"endwatch: {str(exc).replace('`endwatch ', f'`{command()} ')}", err=True)
        sys.exit(2)
