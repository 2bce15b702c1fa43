"""CSV files of customers, products, contracts and deployments: one table of row specifications, one reader.

Every import reads and checks the whole file first and writes nothing if any row is wrong; errors name
the line and the column. Records are upserted by their key (customers by name and country, products by
name, contracts and deployments by ref); optional columns left out of a file keep their stored values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from contracts.checklist import CAPABILITIES
from contracts.csvio import (
    CustomerIndex,
    Row,
    bool_field,
    choice_field,
    country_field,
    date_field,
    list_field,
    name_key,
    read_rows,
    text_field,
    write_csv,
    yes_no,
)
from contracts.models import (
    Clause,
    Contract,
    Customer,
    CustomerKind,
    Deployment,
    DeploymentStatus,
    Product,
    SupplyLink,
)
from endwatch import audit, events, progress

Key = Any  # a hashable key: (folded name, country), a folded name or a ref
Values = dict[str, Any]


@dataclass
class ImportReport:
    kind: str
    created: int = 0
    updated: int = 0
    ids: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.kind}: {self.created} created, {self.updated} updated"


class Lookups:
    """What rows refer to, read once per import: customers, products, contracts and deployments."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.supply_chains: dict[Key, list[tuple[str, str]]] = {}

    @cached_property
    def customers(self) -> CustomerIndex:
        return CustomerIndex(self.session)

    @cached_property
    def products(self) -> dict[str, Product]:
        return {p.name.casefold(): p for p in self.session.scalars(select(Product))}

    @cached_property
    def contracts(self) -> dict[str, Contract]:
        return {c.ref: c for c in self.session.scalars(select(Contract))}

    @cached_property
    def deployments(self) -> dict[str, Deployment]:
        return {d.ref: d for d in self.session.scalars(select(Deployment))}


@dataclass(frozen=True)
class RowSpec:
    """One kind of file: its columns, what names a record, how a row is checked, how a record is made."""

    kind: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    key_column: str
    key: Callable[[Row, Lookups], Key]  # the checked key columns
    values: Callable[[Row, Lookups], Values]  # the checked attribute values, optional ones only if present
    stored: Callable[[Lookups], dict[Any, Any]]  # records already stored, by key
    new: Callable[[Row], Any]  # a fresh record named by the row, with its defaults
    duplicate: Callable[[Row], str] = lambda row: ""  # what the message about a repeated record adds
    claim: Callable[[Key, Row, Lookups], None] | None = None  # the key is known before the rows are saved
    resolve: Callable[[list[tuple[Row, Key, Values]], Lookups], None] | None = None  # across rows
    finish: Callable[[Session, dict[Key, Any], Lookups], None] | None = None  # after the records are saved
    announce: Callable[[Session, ImportReport], None] | None = None  # after the import is audited


def import_csv(session: Session, kind: str, csv_text: str, actor: str = "system") -> ImportReport:
    """Check every row of a file of `kind`, then upsert its records; audited. ImportFailed changes nothing."""
    spec = SPECS[kind]
    rows = read_rows(csv_text, spec.required, spec.optional)
    lookups = Lookups(session)
    seen: dict[Key, int] = {}
    parsed: list[tuple[Row, Key, Values]] = []
    for row in progress.steps(f"Checking {kind}", rows):
        key = spec.key(row, lookups)
        if key in seen:
            raise row.fail(spec.key_column, f"duplicate of line {seen[key]}{spec.duplicate(row)}")
        seen[key] = row.line
        if spec.claim:
            spec.claim(key, row, lookups)
        parsed.append((row, key, spec.values(row, lookups)))
    if spec.resolve:
        spec.resolve(parsed, lookups)

    report = ImportReport(kind)
    stored = spec.stored(lookups)
    saved: dict[Key, Any] = {}
    for row, key, values in progress.steps(f"Saving {kind}", parsed):
        record = stored.get(key)
        if record is None:
            record = spec.new(row)
            session.add(record)
            report.created += 1
        else:
            report.updated += 1
        for attribute, value in values.items():
            setattr(record, attribute, value)
        saved[key] = record
        stored[key] = record
    session.flush()
    if spec.finish:
        spec.finish(session, saved, lookups)
    report.ids = [record.id for record in saved.values()]
    audit.record(
        session, f"{kind}.import", actor=actor, details={"created": report.created, "updated": report.updated}
    )
    if spec.announce:
        spec.announce(session, report)
    return report


def import_customers(session: Session, csv_text: str, actor: str = "system") -> ImportReport:
    return import_csv(session, "customers", csv_text, actor)


def import_products(session: Session, csv_text: str, actor: str = "system") -> ImportReport:
    return import_csv(session, "products", csv_text, actor)


def import_contracts(session: Session, csv_text: str, actor: str = "system") -> ImportReport:
    """Contracts by ref; `clauses` lists the clause codes held, ';'-separated."""
    return import_csv(session, "contracts", csv_text, actor)


def import_deployments(session: Session, csv_text: str, actor: str = "system") -> ImportReport:
    return import_csv(session, "deployments", csv_text, actor)


def export_customers(session: Session) -> str:
    """Every customer as CSV in the import format, so that the file imports back unchanged."""
    customers = session.scalars(
        select(Customer)
        .options(selectinload(Customer.supply_links).selectinload(SupplyLink.supplier))
        .order_by(Customer.country, Customer.name)
    )
    spec = SPECS["customers"]
    return write_csv(
        [*spec.required, *spec.optional],
        (
            [
                c.name,
                ";".join(c.alias_list),
                c.country,
                c.kind.value,
                yes_no(c.government_ties),
                ";".join(s.label for s in c.suppliers),
                c.notes,
            ]
            for c in customers
        ),
    )


# -- customers -------------------------------------------------------------------------------------


def _customer_key(row: Row, lookups: Lookups) -> Key:
    name = " ".join(text_field(row, "name", 200, required=True).split())
    key = name_key(name, country_field(row, "country"))
    choice_field(row, "kind", [k.value for k in CustomerKind])  # checked before duplicates, as ever
    return key


def _customer_name(row: Row) -> str:
    return " ".join(row.get("name").split())


def _customer_values(row: Row, lookups: Lookups) -> Values:
    values: Values = {
        "aliases": [a for a in list_field(row, "aliases") if a != _customer_name(row)],
        "kind": CustomerKind(row.get("kind").lower()),
    }
    if "government_ties" in row.present:
        values["government_ties"] = bool_field(row, "government_ties")
    if "notes" in row.present:
        values["notes"] = text_field(row, "notes", 4000)
    return values


def _supply_chains(parsed: list[tuple[Row, Key, Values]], lookups: Lookups) -> None:
    """Suppliers may be customers of the same file: resolved once every row's key is known."""
    for row, key, _values in parsed:
        if "supplied_by" not in row.present:
            continue
        chain: list[tuple[str, str]] = []
        for ref in list_field(row, "supplied_by"):
            supplier = lookups.customers.resolve(row, "supplied_by", ref)
            if supplier == key:
                raise row.fail("supplied_by", "a customer cannot supply itself")
            chain.append(supplier)
        lookups.supply_chains[key] = chain


def _link_suppliers(session: Session, saved: dict[Key, Any], lookups: Lookups) -> None:
    lookups.customers.by_key.update(saved)
    for key, chain in lookups.supply_chains.items():
        customer = saved[key]
        # Reuse rows for suppliers that stay: the flush inserts before it deletes orphans.
        current = {link.supplier_id: link for link in customer.supply_links}
        links = []
        for position, supplier_key in enumerate(chain, start=1):
            supplier_id = lookups.customers.by_key[supplier_key].id
            link = current.get(supplier_id) or SupplyLink(supplier_id=supplier_id)
            link.position = position
            links.append(link)
        customer.supply_links = links
    session.flush()


def _announce_customers(session: Session, report: ImportReport) -> None:
    """Other domains re-read what changed (monitoring re-matches recent entries)."""
    events.customers_changed.send(session, customer_ids=list(report.ids))


def _announce_deployments(session: Session, report: ImportReport) -> None:
    """Screening raises its alert when a listed customer (or its supplier) comes to be deployed."""
    customer_ids: set[int] = set()
    for start in range(0, len(report.ids), 10_000):
        chunk = report.ids[start : start + 10_000]
        customer_ids.update(session.scalars(select(Deployment.customer_id).where(Deployment.id.in_(chunk))))
    events.deployments_changed.send(session, customer_ids=sorted(customer_ids))


# -- products --------------------------------------------------------------------------------------


def _product_name(row: Row) -> str:
    return " ".join(text_field(row, "name", 200, required=True).split())


def _product_values(row: Row, lookups: Lookups) -> Values:
    capabilities = [c.lower() for c in list_field(row, "capabilities")]
    for code in capabilities:
        if code not in CAPABILITIES:
            raise row.fail("capabilities", f"{code!r} is not one of " + "|".join(CAPABILITIES))
    values = {
        "receives_updates": bool_field(row, "receives_updates"),
        "remote_suspension": bool_field(row, "remote_suspension"),
        "latest_version": text_field(row, "latest_version", 64),
        "notes": text_field(row, "notes", 4000),
    }
    present = {k: v for k, v in values.items() if k in row.present}
    return {"capabilities": capabilities, **present}


# -- contracts -------------------------------------------------------------------------------------


def _ref(row: Row, lookups: Lookups) -> Key:
    return text_field(row, "ref", 64, required=True)


def _customer_of(row: Row, lookups: Lookups) -> Customer:
    key = lookups.customers.resolve(row, "customer", text_field(row, "customer", 220, required=True))
    return lookups.customers.by_key[key]


def _contract_values(row: Row, lookups: Lookups) -> Values:
    customer = _customer_of(row, lookups)
    held = []
    for code in list_field(row, "clauses"):
        try:
            held.append(Clause(code.lower()))
        except ValueError:
            known = "|".join(c.value for c in Clause)
            raise row.fail("clauses", f"{code!r} is not one of {known}") from None
    values = {"signed_on": date_field(row, "signed_on"), "notes": text_field(row, "notes", 4000)}
    present = {k: v for k, v in values.items() if k in row.present}
    return {"customer": customer, **{clause.value: clause in held for clause in Clause}, **present}


# -- deployments -----------------------------------------------------------------------------------


def _deployment_values(row: Row, lookups: Lookups) -> Values:
    customer = _customer_of(row, lookups)
    product = lookups.products.get(
        " ".join(text_field(row, "product", 200, required=True).split()).casefold()
    )
    if product is None:
        raise row.fail("product", f"no product named {row.get('product')!r}; import products first")
    contract_ref = text_field(row, "contract", 64)
    if contract_ref and contract_ref not in lookups.contracts:
        raise row.fail("contract", f"no contract {contract_ref!r}; import contracts first")
    start, end = date_field(row, "licence_start"), date_field(row, "licence_end")
    if start and end and end < start:
        raise row.fail("licence_end", "ends before the licence starts")
    status = row.get("status").lower() or DeploymentStatus.ACTIVE.value
    if status not in {s.value for s in DeploymentStatus}:
        known = "|".join(s.value for s in DeploymentStatus)
        raise row.fail("status", f"{row.get('status')!r} is not one of {known}")
    values = {
        "version": text_field(row, "version", 64),
        "contract": lookups.contracts.get(contract_ref) if contract_ref else None,
        "max_version": text_field(row, "max_version", 64),
        "licence_start": start,
        "licence_end": end,
        "status": DeploymentStatus(status),
        "notes": text_field(row, "notes", 4000),
    }
    present = {k: v for k, v in values.items() if k in row.present or k == "version"}
    return {"customer": customer, "product": product, **present}


# -- the table -------------------------------------------------------------------------------------

SPECS: dict[str, RowSpec] = {
    spec.kind: spec
    for spec in (
        RowSpec(
            kind="customers",
            required=("name", "aliases", "country", "kind"),
            optional=("government_ties", "supplied_by", "notes"),
            key_column="name",
            key=_customer_key,
            values=_customer_values,
            stored=lambda lookups: dict(lookups.customers.by_key),
            new=lambda row: Customer(
                name=_customer_name(row), country=row.get("country").upper(), notes="", government_ties=False
            ),
            duplicate=lambda row: f" ({_customer_name(row)} [{row.get('country').upper()}])",
            claim=lambda key, row, lookups: lookups.customers.pending.__setitem__(key, row.line),
            resolve=_supply_chains,
            finish=_link_suppliers,
            announce=_announce_customers,
        ),
        RowSpec(
            kind="products",
            required=("name", "capabilities"),
            optional=("receives_updates", "remote_suspension", "latest_version", "notes"),
            key_column="name",
            key=lambda row, lookups: _product_name(row).casefold(),
            values=_product_values,
            stored=lambda lookups: dict(lookups.products),
            new=lambda row: Product(
                name=_product_name(row),
                notes="",
                latest_version="",
                receives_updates=True,
                remote_suspension=False,
            ),
        ),
        RowSpec(
            kind="contracts",
            required=("ref", "customer", "clauses"),
            optional=("signed_on", "notes"),
            key_column="ref",
            key=_ref,
            values=_contract_values,
            stored=lambda lookups: dict(lookups.contracts),
            new=lambda row: Contract(ref=row.get("ref"), notes=""),
        ),
        RowSpec(
            kind="deployments",
            required=("ref", "customer", "product", "version"),
            optional=("contract", "max_version", "licence_start", "licence_end", "status", "notes"),
            key_column="ref",
            key=_ref,
            values=_deployment_values,
            stored=lambda lookups: dict(lookups.deployments),
            new=lambda row: Deployment(
                ref=row.get("ref"),
                notes="",
                max_version="",
                updates_denied=False,
                status=DeploymentStatus.ACTIVE,
            ),
            announce=_announce_deployments,
        ),
    )
}
KINDS = tuple(SPECS)
