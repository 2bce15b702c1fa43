"""Customer import and export: every row checked first, nothing written from a file with an error."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from contracts import csv_export, csv_import
from contracts.errors import ImportFailed
from contracts.models import Customer, CustomerKind
from endwatch import events

HEADER = "name,aliases,country,kind,government_ties,supplied_by,notes\n"
GOOD = (
    HEADER
    + "Gulf Secure Distribution,GSD,AE,distributor,no,,regional distributor\n"
    + "Министерство внутренних дел,МВД;MVD;Ministry of Internal Affairs,RU,government,yes,"
    + "Gulf Secure Distribution [AE],\n"
    + "وزارة الداخلية,Ministry of Interior;MOI,EG,government,yes,Gulf Secure Distribution,\n"
)


def customers(session) -> list[Customer]:
    return list(session.scalars(select(Customer).order_by(Customer.name)))


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(Customer))


def test_import_creates_customers_with_aliases_and_supply_chain(session):
    report = csv_import.import_customers(session, GOOD)
    assert (report.created, report.updated) == (3, 0)
    ministry = session.scalars(select(Customer).where(Customer.country == "RU")).one()
    assert ministry.alias_list == ["МВД", "MVD", "Ministry of Internal Affairs"]
    assert ministry.kind == CustomerKind.GOVERNMENT and ministry.government_ties
    assert [s.name for s in ministry.suppliers] == ["Gulf Secure Distribution"]
    egypt = session.scalars(select(Customer).where(Customer.country == "EG")).one()
    assert egypt.name == "وزارة الداخلية"
    assert egypt.suppliers[0].country == "AE"


def test_import_upserts_by_name_and_country(session):
    csv_import.import_customers(session, GOOD)
    report = csv_import.import_customers(
        session, "name,aliases,country,kind\nGulf Secure Distribution,GSD;Gulf Secure,AE,reseller\n"
    )
    assert (report.created, report.updated) == (0, 1)
    gsd = session.scalars(select(Customer).where(Customer.name == "Gulf Secure Distribution")).one()
    assert gsd.alias_list == ["GSD", "Gulf Secure"]
    assert gsd.kind == CustomerKind.RESELLER
    assert gsd.notes == "regional distributor"  # column left out of the file: kept
    assert count(session) == 3


def test_same_name_in_another_country_is_another_customer(session):
    csv_import.import_customers(session, "name,aliases,country,kind\nMinistry of Interior,,EG,government\n")
    csv_import.import_customers(session, "name,aliases,country,kind\nMinistry of Interior,,BH,government\n")
    assert count(session) == 2


def test_import_announces_changed_customers(session):
    received = []

    def listener(sender, customer_ids):
        received.append((sender, sorted(customer_ids)))

    events.customers_changed.connect(listener)
    try:
        report = csv_import.import_customers(session, GOOD)
    finally:
        events.customers_changed.disconnect(listener)
    assert received == [(session, sorted(report.ids))]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            HEADER + "Acme,,XX,private,,,\n",
            "line 2, column 'country': 'XX' is not an ISO 3166-1 alpha-2 country code",
        ),
        (HEADER + "Acme,,GB,private,,,\nBeta,,ZZ,private,,,\n", "line 3, column 'country'"),
        (
            HEADER + "Acme,,GB,contractor,,,\n",
            "line 2, column 'kind': 'contractor' is not one of government|soe",
        ),
        (HEADER + " ,,GB,private,,,\n", "line 2, column 'name': must not be empty"),
        (HEADER + "Acme,,GB,private,,,\nACME,,gb,private,,,\n", "line 3, column 'name': duplicate of line 2"),
        (
            "name,aliases,country,kind,colour\nAcme,,GB,private,red\n",
            "line 1, column 'colour': unknown column",
        ),
        ("name,aliases,kind\nAcme,,private\n", "line 1, column 'country': required column is missing"),
        (
            HEADER + "Acme,,GB,private,perhaps,,\n",
            "line 2, column 'government_ties': 'perhaps' is not yes or no",
        ),
        (
            HEADER + "Acme,,GB,private,,Nobody Ltd,\n",
            "line 2, column 'supplied_by': no customer named 'Nobody Ltd'",
        ),
        (
            HEADER + "Acme,,GB,private,,Acme,\n",
            "line 2, column 'supplied_by': a customer cannot supply itself",
        ),
        ("", "line 1: the file is empty"),
    ],
)
def test_a_bad_row_names_line_and_column_and_imports_nothing(session, text, message):
    with pytest.raises(ImportFailed) as caught:
        csv_import.import_customers(session, text)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    assert count(session) == 0


def test_error_in_last_row_leaves_earlier_rows_unwritten(session):
    text = HEADER + "".join(f"Company {i},,GB,private,,,\n" for i in range(50)) + "Last,,UK,private,,,\n"
    with pytest.raises(ImportFailed, match="line 52, column 'country'"):
        csv_import.import_customers(session, text)
    assert count(session) == 0


def test_ambiguous_supplier_must_name_its_country(session):
    csv_import.import_customers(
        session, "name,aliases,country,kind\nSecureNet,,AE,distributor\nSecureNet,,CY,distributor\n"
    )
    with pytest.raises(ImportFailed, match="exists in several countries; write it as 'Name \\[CC\\]'"):
        csv_import.import_customers(
            session, "name,aliases,country,kind,supplied_by\nPolice,,BH,government,SecureNet\n"
        )
    csv_import.import_customers(
        session, "name,aliases,country,kind,supplied_by\nPolice,,BH,government,SecureNet [CY]\n"
    )
    police = session.scalars(select(Customer).where(Customer.name == "Police")).one()
    assert police.suppliers[0].country == "CY"


def test_supply_chain_keeps_its_order_and_can_be_rewritten(session):
    csv_import.import_customers(
        session,
        "name,aliases,country,kind,supplied_by\nD1,,AE,distributor,\nR1,,CY,reseller,\n"
        "End,,BH,government,D1;R1\n",
    )
    end = session.scalars(select(Customer).where(Customer.name == "End")).one()
    assert [s.name for s in end.suppliers] == ["D1", "R1"]
    csv_import.import_customers(session, "name,aliases,country,kind,supplied_by\nEnd,,BH,government,R1;D1\n")
    session.refresh(end)
    assert [s.name for s in end.suppliers] == ["R1", "D1"]


def test_export_imports_back_unchanged(session):
    csv_import.import_customers(session, GOOD)
    exported = csv_export.export_customers(session)
    report = csv_import.import_customers(session, exported)
    assert report.created == 0
    assert csv_export.export_customers(session) == exported


def test_cli_imports_and_exports(cli, session, tmp_path: Path):
    path = tmp_path / "customers.csv"
    path.write_text(GOOD, encoding="utf-8")
    result = cli("customers", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "3 created" in result.output
    exported = cli("customers", "export")
    assert exported.exit_code == 0
    assert (
        "Министерство внутренних дел,МВД;MVD;Ministry of Internal Affairs,RU,government,yes"
        in exported.output
    )


def test_cli_rejects_a_bad_file_with_one_line_and_changes_nothing(cli, session, tmp_path: Path):
    path = tmp_path / "customers.csv"
    path.write_text(HEADER + "Acme,,GB,private,,,\nBeta,,Narnia,private,,,\n", encoding="utf-8")
    result = cli("customers", "import", str(path))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert "line 3, column 'country'" in lines[0] and "nothing was imported" in lines[0]
    assert count(session) == 0


def test_cli_names_an_unreadable_file(cli, tmp_path: Path):
    result = cli("customers", "import", str(tmp_path / "missing.csv"))
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {tmp_path / 'missing.csv'}: no such file"
    binary = tmp_path / "latin1.csv"
    binary.write_bytes(b"name,aliases,country,kind\nSoci\xe9t\xe9,,FR,private\n")
    assert "not UTF-8 text" in cli("customers", "import", str(binary)).output
