"""Files the contracts part writes back out: customers in the import format."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from contracts.csv_import import SPECS
from contracts.csvio import write_csv, yes_no
from contracts.models import Customer, SupplyLink


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
