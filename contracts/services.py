"""Imports and exports of customers, products, contracts and deployments; the domain's errors.

Every import reads and checks the whole file first and writes nothing if any row is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from contracts.checklist import CAPABILITIES
from contracts.csvio import (
    ImportFailed,
    Row,
    bool_field,
    choice_field,
    country_field,
    date_field,
    list_field,
    name_key,
    read_rows,
    split_ref,
    text_field,
    write_csv,
    yes_no,
)
from contracts.errors import (
    ApprovalBySameUser,
    ClauseMissing,
    ContractsError,
    NotFound,
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
from contracts.safeguards import approve_action, propose_action, reject_action
from endwatch import audit, events, progress

__all__ = [
    "ApprovalBySameUser",
    "ClauseMissing",
    "ContractsError",
    "ImportFailed",
    "ImportReport",
    "NotFound",
    "approve_action",
    "export_customers",
    "import_contracts",
    "import_customers",
    "import_deployments",
    "import_products",
    "propose_action",
    "reject_action",
]

CUSTOMER_COLUMNS = ["name", "aliases", "country", "kind"]
CUSTOMER_OPTIONAL = ["government_ties", "supplied_by", "notes"]
PRODUCT_COLUMNS = ["name", "capabilities"]
PRODUCT_OPTIONAL = ["receives_updates", "remote_suspension", "latest_version", "notes"]
CONTRACT_COLUMNS = ["ref", "customer", "clauses"]
CONTRACT_OPTIONAL = ["signed_on", "notes"]
DEPLOYMENT_COLUMNS = ["ref", "customer", "product", "version"]
DEPLOYMENT_OPTIONAL = ["contract", "max_version", "licence_start", "licence_end", "status", "notes"]


@dataclass
class ImportReport:
    kind: str
    created: int = 0
    updated: int = 0
    ids: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.kind}: {self.created} created, {self.updated} updated"


class CustomerIndex:
    """Finds customers by 'Name' or 'Name [CC]', among stored ones and those about to be imported."""

    def __init__(self, session: Session) -> None:
        self.by_key: dict[tuple[str, str], Customer] = {}
        for customer in session.scalars(select(Customer)):
            self.by_key[name_key(customer.name, customer.country)] = customer
        self.pending: dict[tuple[str, str], int] = {}

    def resolve(self, row: Row, column: str, text: str) -> tuple[str, str]:
        name, country = split_ref(text)
        if country is not None:
            key = name_key(name, country)
            if key not in self.by_key and key not in self.pending:
                raise row.fail(column, f"no customer {text!r}")
            return key
        folded = name_key(name, "")[0]
        matches = {k for k in (*self.by_key, *self.pending) if k[0] == folded}
        if not matches:
            raise row.fail(column, f"no customer named {name!r}")
        if len(matches) > 1:
            raise row.fail(column, f"{name!r} exists in several countries; write it as 'Name [CC]'")
        return matches.pop()


# -- customers --------------------------------------------------------------------------------------


@dataclass
class _CustomerRow:
    row: Row
    name: str
    aliases: list[str]
    country: str
    kind: CustomerKind
    government_ties: bool | None
    notes: str | None
    supplied_by: list[tuple[str, str]] | None


def import_customers(session: Session, csv_text: str, actor: str = "system") -> ImportReport:
    """Upsert customers by (name, country); optional columns left out of the file keep their values."""
    rows = read_rows(csv_text, CUSTOMER_COLUMNS, CUSTOMER_OPTIONAL)
    index = CustomerIndex(session)
    parsed: list[_CustomerRow] = []
    seen: dict[tuple[str, str], int] = {}
    for row in progress.steps("Checking customers", rows):
        name = " ".join(text_field(row, "name", 200, required=True).split())
        country = country_field(row, "country")
        kind = CustomerKind(choice_field(row, "kind", [k.value for k in CustomerKind]))
        key = name_key(name, country)
        if key in seen:
            raise row.fail("name", f"duplicate of line {seen[key]} ({name} [{country}])")
        seen[key] = row.line
        index.pending[key] = row.line
        ties = bool_field(row, "government_ties") if "government_ties" in row.present else None
        parsed.append(
            _CustomerRow(
                row=row,
                name=name,
                aliases=[a for a in list_field(row, "aliases") if a != name],
                country=country,
                kind=kind,
                government_ties=ties,
                notes=text_field(row, "notes", 4000) if "notes" in row.present else None,
                supplied_by=None,
            )
        )
    for item in parsed:
        if "supplied_by" not in item.row.present:
            continue
        chain: list[tuple[str, str]] = []
        for ref in list_field(item.row, "supplied_by"):
            key = index.resolve(item.row, "supplied_by", ref)
            if key == name_key(item.name, item.country):
                raise item.row.fail("supplied_by", "a customer cannot supply itself")
            chain.append(key)
        item.supplied_by = chain

    report = ImportReport("customers")
    saved: dict[tuple[str, str], Customer] = {}
    for item in parsed:
        key = name_key(item.name, item.country)
        customer = index.by_key.get(key)
        if customer is None:
            customer = Customer(name=item.name, country=item.country, notes="", government_ties=False)
            session.add(customer)
            report.created += 1
        else:
            report.updated += 1
        customer.aliases = item.aliases
        customer.kind = item.kind
        if item.government_ties is not None:
            customer.government_ties = item.government_ties
        if item.notes is not None:
            customer.notes = item.notes
        saved[key] = customer
        index.by_key[key] = customer
    session.flush()
    for item in parsed:
        if item.supplied_by is None:
            continue
        customer = saved[name_key(item.name, item.country)]
        # Reuse rows for suppliers that stay: the flush inserts before it deletes orphans.
        current = {link.supplier_id: link for link in customer.supply_links}
        links = []
        for position, key in enumerate(item.supplied_by, start=1):
            supplier_id = index.by_key[key].id
            link = current.get(supplier_id) or SupplyLink(supplier_id=supplier_id)
            link.position = position
            links.append(link)
        customer.supply_links = links
    session.flush()
    report.ids = [customer.id for customer in saved.values()]
    _audit_import(session, "customers.import", actor, report)
    events.customers_changed.send(session, customer_ids=list(report.ids))
    return report


def export_customers(session: Session) -> str:
    """Every customer as CSV in the import format, so that the file imports back unchanged."""
    customers = session.scalars(
        select(Customer)
        .options(selectinload(Customer.supply_links).selectinload(SupplyLink.supplier))
        .order_by(Customer.country, Customer.name)
    )
    header = CUSTOMER_COLUMNS + CUSTOMER_OPTIONAL
    return write_csv(
        header,
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


# -- products ---------------------------------------------------------------------------------------


def import_products(session: Session, csv_text: str, actor: str = "system") -> ImportReport:
    rows = read_rows(csv_text, PRODUCT_COLUMNS, PRODUCT_OPTIONAL)
    existing = {p.name.casefold(): p for p in session.scalars(select(Product))}
    parsed = []
    seen: dict[str, int] = {}
    for row in progress.steps("Checking products", rows):
        name = " ".join(text_field(row, "name", 200, required=True).split())
        if name.casefold() in seen:
            raise row.fail("name", f"duplicate of line {seen[name.casefold()]}")
        seen[name.casefold()] = row.line
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
        parsed.append((row, name, capabilities, {k: v for k, v in values.items() if k in row.present}))
    report = ImportReport("products")
    for _row, name, capabilities, values in parsed:
        product = existing.get(name.casefold())
        if product is None:
            product = Product(name=name, notes="", latest_version="", receives_updates=True)
            product.remote_suspension = False
            session.add(product)
            report.created += 1
        else:
            report.updated += 1
        product.capabilities = capabilities
        for attribute, value in values.items():
            setattr(product, attribute, value)
    session.flush()
    _audit_import(session, "products.import", actor, report)
    return report


# -- contracts --------------------------------------------------------------------------------------


def import_contracts(session: Session, csv_text: str, actor: str = "system") -> ImportReport:
    """Contracts by ref; `clauses` lists the clause codes held, ';'-separated."""
    rows = read_rows(csv_text, CONTRACT_COLUMNS, CONTRACT_OPTIONAL)
    index = CustomerIndex(session)
    existing = {c.ref: c for c in session.scalars(select(Contract))}
    parsed = []
    seen: dict[str, int] = {}
    for row in progress.steps("Checking contracts", rows):
        ref = text_field(row, "ref", 64, required=True)
        if ref in seen:
            raise row.fail("ref", f"duplicate of line {seen[ref]}")
        seen[ref] = row.line
        customer_key = index.resolve(row, "customer", text_field(row, "customer", 220, required=True))
        clauses = []
        for code in list_field(row, "clauses"):
            try:
                clauses.append(Clause(code.lower()))
            except ValueError:
                known = "|".join(c.value for c in Clause)
                raise row.fail("clauses", f"{code!r} is not one of {known}") from None
        values = {"signed_on": date_field(row, "signed_on"), "notes": text_field(row, "notes", 4000)}
        parsed.append((ref, customer_key, clauses, {k: v for k, v in values.items() if k in row.present}))
    report = ImportReport("contracts")
    for ref, customer_key, clauses, values in parsed:
        contract = existing.get(ref)
        if contract is None:
            contract = Contract(ref=ref, notes="")
            session.add(contract)
            report.created += 1
        else:
            report.updated += 1
        contract.customer = index.by_key[customer_key]
        for clause in Clause:
            setattr(contract, clause.value, clause in clauses)
        for attribute, value in values.items():
            setattr(contract, attribute, value)
    session.flush()
    _audit_import(session, "contracts.import", actor, report)
    return report


# -- deployments ------------------------------------------------------------------------------------


def import_deployments(session: Session, csv_text: str, actor: str = "system") -> ImportReport:
    rows = read_rows(csv_text, DEPLOYMENT_COLUMNS, DEPLOYMENT_OPTIONAL)
    index = CustomerIndex(session)
    products = {p.name.casefold(): p for p in session.scalars(select(Product))}
    contracts = {c.ref: c for c in session.scalars(select(Contract))}
    existing = {d.ref: d for d in session.scalars(select(Deployment))}
    parsed = []
    seen: dict[str, int] = {}
    for row in progress.steps("Checking deployments", rows):
        ref = text_field(row, "ref", 64, required=True)
        if ref in seen:
            raise row.fail("ref", f"duplicate of line {seen[ref]}")
        seen[ref] = row.line
        customer_key = index.resolve(row, "customer", text_field(row, "customer", 220, required=True))
        product = products.get(" ".join(text_field(row, "product", 200, required=True).split()).casefold())
        if product is None:
            raise row.fail("product", f"no product named {row.get('product')!r}; import products first")
        contract_ref = text_field(row, "contract", 64)
        if contract_ref and contract_ref not in contracts:
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
            "contract": contracts.get(contract_ref) if contract_ref else None,
            "max_version": text_field(row, "max_version", 64),
            "licence_start": start,
            "licence_end": end,
            "status": DeploymentStatus(status),
            "notes": text_field(row, "notes", 4000),
        }
        optional = {k: v for k, v in values.items() if k in row.present or k == "version"}
        parsed.append((ref, customer_key, product, optional))
    report = ImportReport("deployments")
    for ref, customer_key, product, values in parsed:
        deployment = existing.get(ref)
        if deployment is None:
            deployment = Deployment(
                ref=ref, notes="", max_version="", updates_denied=False, status=DeploymentStatus.ACTIVE
            )
            session.add(deployment)
            report.created += 1
        else:
            report.updated += 1
        deployment.customer = index.by_key[customer_key]
        deployment.product = product
        for attribute, value in values.items():
            setattr(deployment, attribute, value)
    session.flush()
    _audit_import(session, "deployments.import", actor, report)
    return report


def _audit_import(session: Session, action: str, actor: str, report: ImportReport) -> None:
    audit.record(session, action, actor=actor, details={"created": report.created, "updated": report.updated})


IMPORTERS = {
    "customers": import_customers,
    "products": import_products,
    "contracts": import_contracts,
    "deployments": import_deployments,
}
