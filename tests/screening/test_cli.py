"""`endwatch lists ...` and `endwatch screening ...`: the command-line contract, end to end."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contracts.models import Customer
from endwatch.scheduler import run_in_app
from monitoring.models import Alert, AlertLevel
from screening.models import ListEntity, ScreeningHit, ScreeningList
from tests.screening.support import FIXTURES, ListServer, ftm_line, write_ftm

CUSTOMERS = (
    "name,aliases,country,kind,government_ties,supplied_by\n"
    "Gulf Secure Distribution FZE,GSD,AE,distributor,no,\n"
    '=HYPERLINK("x") Intellexa,Intellexa SA,GR,private,no,\n'
)


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return lines[0]


def test_lists_import_loads_each_format_and_again_changes_nothing(cli, session: Session) -> None:
    result = cli("lists", "import", str(FIXTURES / "entities.ftm.json"), "--format", "ftm", "--name", "OS")
    assert result.exit_code == 0, result.output
    assert "OS: version 1, 5 entities (5 added, 0 changed, 0 removed)" in result.output
    again = cli("lists", "import", str(FIXTURES / "entities.ftm.json"), "--format", "ftm", "--name", "OS")
    assert "OS: unchanged (version 1, 5 entities)" in again.output
    assert (
        cli(
            "lists", "import", str(FIXTURES / "consolidated.csv"), "--format", "csl", "--name", "CSL"
        ).exit_code
        == 0
    )
    assert cli("lists", "import", str(FIXTURES / "sdn"), "--format", "sdn", "--name", "SDN").exit_code == 0
    assert count(session, ListEntity) == 5 + 4 + 3
    listing = cli("lists", "list")
    assert "OS\tftm\tversion 1\t5 entities" in listing.output


def test_a_malformed_list_is_refused_in_one_line_and_changes_nothing(
    cli, session: Session, tmp_path: Path
) -> None:
    path = write_ftm(tmp_path / "list.json", ftm_line("a", "Alpha Interception Ltd"))
    assert cli("lists", "import", str(path), "--format", "ftm", "--name", "L").exit_code == 0
    path.write_text(ftm_line("a", "Alpha Renamed") + "\n" + '{"id": "b"}\n', encoding="utf-8")
    line = one_line_error(cli("lists", "import", str(path), "--format", "ftm", "--name", "L"))
    assert "list.json line 2: entity b has no 'schema'" in line
    session.expire_all()
    assert session.scalars(select(ListEntity.name)).all() == ["Alpha Interception Ltd"]
    assert session.scalars(select(ScreeningList.version)).one() == 1
    assert "no such file" in one_line_error(
        cli("lists", "import", str(tmp_path / "none.json"), "--format", "ftm", "--name", "X")
    )
    assert "is in the ftm format" in one_line_error(
        cli("lists", "import", str(FIXTURES / "consolidated.json"), "--format", "csl", "--name", "L")
    )


def test_lists_refresh_polls_urls_conditionally_and_records_changes(
    cli, session: Session, list_server: ListServer
) -> None:
    list_server.files["/list.json"] = (ftm_line("a", "Alpha Interception Ltd") + "\n").encode()
    assert (
        cli("lists", "import", list_server.url + "/list.json", "--format", "ftm", "--name", "U").exit_code
        == 0
    )
    unchanged = cli("lists", "refresh")
    assert "U: unchanged" in unchanged.output and list_server.not_modified == 1
    list_server.files["/list.json"] = (ftm_line("b", "Bravo Signals") + "\n").encode()
    changed = cli("lists", "refresh")
    assert "U: version 2, 1 entities (1 added, 0 changed, 1 removed)" in changed.output
    list_server.files.pop("/list.json")
    failed = cli("lists", "refresh")
    assert failed.exit_code != 0 and "U: failed: cannot fetch" in failed.output
    session.expire_all()
    lst = session.scalars(select(ScreeningList)).one()
    assert lst.version == 2 and lst.consecutive_failures == 1


def test_screening_run_and_export_as_documented(cli, session: Session, tmp_path: Path) -> None:
    (tmp_path / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    assert cli("customers", "import", str(tmp_path / "customers.csv")).exit_code == 0
    assert (
        cli(
            "lists", "import", str(FIXTURES / "entities.ftm.json"), "--format", "ftm", "--name", "OS"
        ).exit_code
        == 0
    )
    run = cli("screening", "run")
    assert run.exit_code == 0 and "1 hits (0 new" in run.output  # the import already screened it
    exported = json.loads(cli("screening", "export", "--format", "json").output)
    assert [(e["customer"], e["list"], e["entity_id"], e["entity_name"], e["status"]) for e in exported] == [
        ('=HYPERLINK("x") Intellexa', "OS", "NK-intellexa-sa", "Intellexa S.A.", "new")
    ]
    assert 0.8 <= exported[0]["score"] <= 1 and any("same country: GR" in r for r in exported[0]["reasons"])
    rows = list(csv.DictReader(io.StringIO(cli("screening", "export", "--format", "csv").output)))
    assert rows[0]["customer"] == '\'=HYPERLINK("x") Intellexa'  # no formula for a spreadsheet to run
    assert set(rows[0]) >= {"customer", "list", "entity_id", "entity_name", "score", "status", "reasons"}


def test_a_changed_customer_is_screened_by_the_job_and_a_deployed_supplier_raises_a_critical_alert(
    cli, app, session: Session, tmp_path: Path
) -> None:
    path = write_ftm(
        tmp_path / "list.json", ftm_line("gsd", "GULF SECURE DISTRIBUTION F.Z.E.", countries=("ae",))
    )
    assert cli("lists", "import", str(path), "--format", "ftm", "--name", "Sanctions").exit_code == 0
    (tmp_path / "customers.csv").write_text(
        "name,aliases,country,kind,government_ties,supplied_by\n"
        "Gulf Secure Distribution FZE,GSD,AE,distributor,no,\n"
        "Ministry of Interior,MOI,EG,government,yes,Gulf Secure Distribution FZE\n",
        encoding="utf-8",
    )
    (tmp_path / "products.csv").write_text(
        "name,capabilities,receives_updates,remote_suspension,latest_version\nDPI,internet_surveillance,yes,yes,1\n",
        encoding="utf-8",
    )
    (tmp_path / "deployments.csv").write_text(
        "ref,customer,product,version,contract,max_version,licence_start,licence_end\n"
        "DEP-1,Ministry of Interior,DPI,1,,,2024-01-01,2030-01-01\n",
        encoding="utf-8",
    )
    for kind in ("customers", "products", "deployments"):
        assert cli(kind, "import", str(tmp_path / f"{kind}.csv")).exit_code == 0
    assert count(session, ScreeningHit) == 0
    run_in_app(app, "screening.jobs:screen_changed_customers")
    session.expire_all()
    hit = session.scalars(select(ScreeningHit)).one()
    assert hit.customer.name == "Gulf Secure Distribution FZE"
    alert = session.scalars(select(Alert).where(Alert.customer_id == hit.customer_id)).one()
    assert alert.level == AlertLevel.CRITICAL and hit.alert_id == alert.id
    exported = json.loads(cli("alerts", "export", "--format", "json").output)
    assert exported[0]["level"] == "critical" and exported[0]["feed"] == "Restricted-party list: Sanctions"
    assert session.scalars(select(Customer).where(Customer.country == "EG")).one() is not None
