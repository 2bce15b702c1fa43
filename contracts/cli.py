"""`endwatch customers|products|contracts|deployments|safeguards ...`: commands call the services."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contracts import assessment, csv_export, csv_import, entitlement_keys, entitlements
from contracts.errors import ContractsError
from contracts.models import Customer, Deployment
from endwatch import audit, db
from endwatch.cli_support import with_app


def _read(path: str) -> str:
    try:
        return Path(path).read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise click.ClickException(f"{path}: no such file") from None
    except IsADirectoryError:
        raise click.ClickException(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise click.ClickException(f"{path}: unreadable ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise click.ClickException(f"{path}: not UTF-8 text") from None


def _import(path: str, importer: Callable[..., csv_import.ImportReport]) -> None:
    text = _read(path)
    try:
        with db.unit_of_work() as session:
            report = importer(session, text, actor="cli")
    except ContractsError as exc:
        raise click.ClickException(f"{path}: {exc}; nothing was imported") from None
    click.echo(f"Imported {report}")


@click.group()
def customers() -> None:
    """End users and intermediaries."""


@customers.command("import")
@click.argument("file")
@with_app
def customers_import(file: str) -> None:
    """Import FILE.csv (name,aliases,country,kind + government_ties,supplied_by,notes)."""
    _import(file, csv_import.import_customers)


@customers.command("export")
@with_app
def customers_export() -> None:
    """Print every customer as CSV in the import format; the export is audited."""
    with db.unit_of_work() as session:
        text = csv_export.export_customers(session)
        rows = session.scalar(select(func.count()).select_from(Customer))
        audit.record(session, "customers.export", actor="cli", details={"rows": rows})
    click.echo(text, nl=False)


@click.group()
def products() -> None:
    """Products and their surveillance capabilities."""


@products.command("import")
@click.argument("file")
@with_app
def products_import(file: str) -> None:
    """Import FILE.csv (name,capabilities + receives_updates,remote_suspension,latest_version,notes)."""
    _import(file, csv_import.import_products)


@click.group("contracts")
def contracts_group() -> None:
    """Contracts and their safeguard clauses."""


@contracts_group.command("import")
@click.argument("file")
@with_app
def contracts_import(file: str) -> None:
    """Import FILE.csv (ref,customer,clauses + signed_on,notes); clauses ';'-separated."""
    _import(file, csv_import.import_contracts)


@click.group()
def deployments() -> None:
    """Deployments and their update-entitlement tokens."""


@deployments.command("import")
@click.argument("file")
@with_app
def deployments_import(file: str) -> None:
    """Import FILE.csv (ref,customer,product,version + contract,max_version,licence dates,status,notes)."""
    _import(file, csv_import.import_deployments)


@deployments.command("token")
@click.argument("ref")
@with_app
def deployments_token(ref: str) -> None:
    """Issue a new entitlement token for deployment REF (shown once; earlier tokens stop working)."""
    with db.unit_of_work() as session:
        deployment = _deployment(session, ref)
        token = entitlements.issue_token(session, deployment, actor="cli")
    click.echo(f"Token for {ref} (shown once, store it on the deployment's update server):")
    click.echo(token)


@deployments.command("rotate-key")
@with_app
def deployments_rotate_key() -> None:
    """Create a new entitlement signing key; the old public key stays published for a while."""
    with db.unit_of_work() as session:
        kid = entitlement_keys.rotate_key(session, current_app.config["ENDWATCH"], actor="cli")
    click.echo(f"New entitlement signing key {kid}")


@click.group()
def safeguards() -> None:
    """Safeguard gap analysis."""


@safeguards.command("gaps")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@with_app
def safeguards_gaps(fmt: str) -> None:
    """Active deployments lacking safeguards their risk tier needs."""
    gaps = assessment.gap_analysis(db.session(), current_app.config["ENDWATCH"])
    if fmt == "csv":
        click.echo(assessment.gaps_csv(gaps), nl=False)
    else:
        click.echo(json.dumps([gap.as_dict() for gap in gaps], ensure_ascii=False, indent=2))


def _deployment(session: Session, ref: str) -> Deployment:
    deployment = session.scalars(select(Deployment).where(Deployment.ref == ref)).first()
    if deployment is None:
        raise click.ClickException(f"no deployment {ref!r}")
    return deployment


COMMANDS: list[click.Command] = [customers, products, contracts_group, deployments, safeguards]
