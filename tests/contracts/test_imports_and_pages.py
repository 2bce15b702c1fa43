"""Imports of products, contracts and deployments; the staff pages; the demo data."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from contracts import csv_import, demo
from contracts.errors import ImportFailed
from contracts.models import Contract, Deployment, DeploymentStatus, EnforcementAction, Product
from endwatch import events
from tests.conftest import csrf_token


def test_products_carry_capability_categories_and_remote_flags(session, world):
    product = session.scalars(select(Product).where(Product.name == "Sentinel DPI")).one()
    assert product.capability_list == ["internet_surveillance", "data_analytics"]
    assert product.receives_updates and product.remote_suspension
    with pytest.raises(
        ImportFailed, match="line 2, column 'capabilities': 'mind_reading' is not one of sensors"
    ):
        csv_import.import_products(session, "name,capabilities\nThoughtNet,mind_reading\n")


def test_contracts_record_clauses_and_remote_disabling_only_when_named(session, world):
    csv_import.import_contracts(
        session, "ref,customer,clauses\nC-OPT,Kestrel Analytics,human_rights;remote_disable\n"
    )
    opted = session.scalars(select(Contract).where(Contract.ref == "C-OPT")).one()
    assert [c.value for c in opted.clauses] == ["human_rights", "remote_disable"]
    with pytest.raises(ImportFailed, match="line 2, column 'clauses': 'kill_switch' is not one of"):
        csv_import.import_contracts(session, "ref,customer,clauses\nC-X,Kestrel Analytics,kill_switch\n")
    with pytest.raises(ImportFailed, match="line 2, column 'customer': no customer named 'Nobody'"):
        csv_import.import_contracts(session, "ref,customer,clauses\nC-X,Nobody,\n")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("D1,Kestrel Analytics,Nothing,1.0,,", "column 'product': no product named 'Nothing'"),
        ("D1,Kestrel Analytics,Sentinel DPI,1.0,C-NONE,", "column 'contract': no contract 'C-NONE'"),
        (
            "D1,Kestrel Analytics,Sentinel DPI,1.0,,2024-13-01",
            "column 'licence_start': '2024-13-01' is not a date",
        ),
        ("D1,Kestrel Analytics,Sentinel DPI,1.0,,,paused", "column 'status': 'paused' is not one of planned"),
    ],
)
def test_a_bad_deployment_row_imports_nothing(session, world, row, message):
    before = session.scalar(select(func.count()).select_from(Deployment))
    text = "ref,customer,product,version,contract,licence_start,status\n"
    text += "D0,Kestrel Analytics,Sentinel DPI,1.0,,,\n"
    with pytest.raises(ImportFailed, match="line 3, " + message):
        csv_import.import_deployments(session, text + row + "\n")
    assert session.scalar(select(func.count()).select_from(Deployment)) == before


def test_deployment_import_updates_by_ref_and_announces_the_customers(session, world):
    received = []

    def listener(sender, customer_ids):
        received.append((sender, customer_ids))

    events.deployments_changed.connect(listener)
    try:
        csv_import.import_deployments(
            session,
            "ref,customer,product,version,status\nDEP-GB,Kestrel Analytics,Sentinel DPI,5.5,suspended\n",
        )
    finally:
        events.deployments_changed.disconnect(listener)
    assert received == [(session, [world.gb.customer_id])]
    session.refresh(world.gb)
    assert world.gb.version == "5.5" and world.gb.status == DeploymentStatus.SUSPENDED
    assert world.gb.contract is not None  # column left out of the file: kept


@pytest.mark.parametrize("role", ["admin", "triager", "auditor"])
def test_every_staff_page_renders_for_every_role(client, logged_in, world, role):
    logged_in(role)
    pages = [
        "/staff/contracts/customers",
        f"/staff/contracts/customers/{world.ministry.id}",
        "/staff/contracts/deployments",
        f"/staff/contracts/deployments/{world.ru.id}",
        "/staff/contracts/gaps",
        "/staff/contracts/actions",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
    body = client.get("/staff/contracts/deployments").get_data(as_text=True)
    assert "dropped from the final guidance" in body
    assert "Министерство внутренних дел" in client.get("/staff/contracts/customers").get_data(as_text=True)
    import_page = client.get("/staff/contracts/import")
    assert import_page.status_code == (403 if role == "auditor" else 200)


def test_staff_import_upload_reports_the_bad_line_and_changes_nothing(client, logged_in, session):
    logged_in("triager")
    token = csrf_token(client, "/staff/contracts/import")
    bad = b"name,aliases,country,kind\nAcme,,GB,private\nBeta,,XX,private\n"
    response = client.post(
        "/staff/contracts/import",
        data={"csrf_token": token, "kind": "customers", "file": (io.BytesIO(bad), "c.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "line 3, column &#39;country&#39;" in response.get_data(as_text=True)
    good = b"name,aliases,country,kind\nAcme,,GB,private\n"
    response = client.post(
        "/staff/contracts/import",
        data={"csrf_token": token, "kind": "customers", "file": (io.BytesIO(good), "c.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "customers: 1 created" in response.get_data(as_text=True)


def test_recording_a_flag_and_a_review_through_the_pages(client, logged_in, session, world):
    logged_in("triager")
    page = f"/staff/contracts/customers/{world.kestrel.id}"
    token = csrf_token(client, page)
    client.post(
        f"{page}/flags", data={"csrf_token": token, "code": "reexport_risk", "source_note": "Audit 2024"}
    )
    client.post(
        f"{page}/reviews", data={"csrf_token": token, "outcome": "conditions", "notes": "Add clauses"}
    )
    body = client.get(page).get_data(as_text=True)
    assert "Audit 2024" in body and "Add clauses" in body


def test_demo_data_loads_with_intermediaries_scripts_and_actions(app, session, make_member):
    make_member("admin"), make_member("triager")
    lines = demo.load_demo(session, app.config["ENDWATCH"])
    assert any("Bearer ewd_" in line for line in lines)
    statuses = sorted(a.status.value for a in session.scalars(select(EnforcementAction)))
    assert statuses == ["approved", "proposed"]
    names = set(session.scalars(select(Deployment.ref)))
    assert {"DEP-RU-001", "DEP-EG-002", "DEP-BH-001"} <= names
