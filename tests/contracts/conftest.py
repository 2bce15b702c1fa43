"""A small world of customers, products, contracts and deployments, built through the import services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from contracts import csv_import
from contracts.models import Customer, Deployment

PRODUCTS = (
    "name,capabilities,receives_updates,remote_suspension,latest_version\n"
    "Sentinel DPI,internet_surveillance;data_analytics,yes,yes,5.4\n"
    "SkyEye Drone,sensors;recording_devices,no,no,1.2\n"
)
CUSTOMERS = (
    "name,aliases,country,kind,government_ties,supplied_by\n"
    "Gulf Secure Distribution,GSD,AE,distributor,no,\n"
    "Министерство внутренних дел,МВД;MVD,RU,government,yes,Gulf Secure Distribution\n"
    "Kestrel Analytics,,GB,private,no,\n"
)
ALL_CLAUSES = (
    "end_use_limits;human_rights;right_to_terminate;right_to_deny_updates;right_to_suspend;audit_rights;"
    "reexport_ban;grievance_notice;data_deletion"
)
CONTRACTS = (
    "ref,customer,clauses\n"
    f"C-FULL,Министерство внутренних дел,{ALL_CLAUSES}\n"
    "C-THIN,Kestrel Analytics,end_use_limits;human_rights\n"
)


@dataclass
class World:
    ru: Deployment
    gb: Deployment
    ministry: Customer
    kestrel: Customer


def deployments_csv(today: date) -> str:
    start, end = (today - timedelta(days=100)).isoformat(), (today + timedelta(days=365)).isoformat()
    return (
        "ref,customer,product,version,contract,max_version,licence_start,licence_end\n"
        f"DEP-RU,Министерство внутренних дел,Sentinel DPI,5.2,C-FULL,5.9,{start},{end}\n"
        f"DEP-GB,Kestrel Analytics,Sentinel DPI,5.4,C-THIN,,{start},{end}\n"
    )


@pytest.fixture
def world(session) -> World:
    csv_import.import_products(session, PRODUCTS)
    csv_import.import_customers(session, CUSTOMERS)
    csv_import.import_contracts(session, CONTRACTS)
    csv_import.import_deployments(session, deployments_csv(date.today()))
    session.flush()

    def deployment(ref: str) -> Deployment:
        return session.scalars(select(Deployment).where(Deployment.ref == ref)).one()

    def customer(country: str) -> Customer:
        return session.scalars(select(Customer).where(Customer.country == country)).one()

    return World(deployment("DEP-RU"), deployment("DEP-GB"), customer("RU"), customer("GB"))
