"""Screening finds customers and their suppliers on the lists, remembers decisions, raises critical alerts."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts import csv_import as contracts
from contracts import safeguards
from contracts.models import Customer, Deployment
from monitoring.fetch import fetch_feed
from monitoring.models import Alert, AlertLevel
from screening import lists, review, services
from screening.models import HitStatus, ListFormat, ScreeningHit
from tests.screening.support import ftm_line, write_ftm

CUSTOMERS = (
    "name,aliases,country,kind,government_ties,supplied_by\n"
    "Gulf Secure Distribution FZE,GSD,AE,distributor,no,\n"
    "Nordlicht Systemhaus GmbH,,DE,reseller,no,\n"
    "Министерство внутренних дел,МВД;MVD,RU,government,yes,Gulf Secure Distribution FZE\n"
    "Kestrel Signal Analytics,,GB,private,no,\n"
)
PRODUCTS = (
    "name,capabilities,receives_updates,remote_suspension,latest_version\n"
    "Sentinel DPI,internet_surveillance,yes,yes,5.4\n"
)


@pytest.fixture
def world(session: Session) -> dict[str, Customer]:
    contracts.import_products(session, PRODUCTS)
    contracts.import_customers(session, CUSTOMERS)
    start, end = (
        (date.today() - timedelta(days=30)).isoformat(),
        (date.today() + timedelta(days=300)).isoformat(),
    )
    contracts.import_deployments(
        session,
        "ref,customer,product,version,contract,max_version,licence_start,licence_end\n"
        f"DEP-RU,Министерство внутренних дел,Sentinel DPI,5.2,,,{start},{end}\n",
    )
    session.flush()
    return {c.country: c for c in session.scalars(select(Customer))}


def load(session: Session, path: Path, name: str = "Sanctions") -> lists.LoadReport:
    report = lists.import_list(session, name, str(path), ListFormat.FTM, fetch_feed, lists.list_limits(True))
    services.mark_delisted(session, report.delisted_pks)
    return report


def hit_of(session: Session, customer: Customer) -> ScreeningHit:
    return session.scalars(select(ScreeningHit).where(ScreeningHit.customer_id == customer.id)).one()


def test_a_supplier_of_a_deployed_customer_on_a_list_is_a_hit_and_a_critical_alert(
    session: Session, world: dict[str, Customer], tmp_path: Path
) -> None:
    path = write_ftm(
        tmp_path / "list.json",
        ftm_line("gsd", "GULF SECURE DISTRIBUTION FZE", countries=("ae",)),
        ftm_line("kes", "Kestrel Signal Analytics Ltd", countries=("gb",)),
        ftm_line("other", "Nordlicht Logistics AG", countries=("ch",)),
    )
    load(session, path)
    report = services.run(session)
    assert (report.hits, report.new_hits, report.alerts) == (2, 2, 1)
    gsd = hit_of(session, world["AE"])
    assert gsd.status == HitStatus.NEW and gsd.score >= 0.8 and gsd.entity_id == "gsd"
    assert any("same country: AE" in r for r in gsd.reasons)
    alert = session.get(Alert, gsd.alert_id)
    assert alert is not None and alert.level == AlertLevel.CRITICAL and alert.customer_id == world["AE"].id
    assert any("supplier of Министерство внутренних дел" in r for r in alert.reasons)
    assert hit_of(session, world["GB"]).alert_id is None  # no active deployment: a hit, not an alert


def test_a_dismissed_hit_stays_dismissed_until_the_listing_changes(
    session: Session, world: dict[str, Customer], tmp_path: Path
) -> None:
    path = write_ftm(
        tmp_path / "list.json", ftm_line("kes", "Kestrel Signal Analytics Ltd", countries=("gb",))
    )
    load(session, path)
    services.run(session)
    hit = hit_of(session, world["GB"])
    hit.status, hit.decided_by, hit.decided_fingerprint = HitStatus.DISMISSED, "a@b.example", hit.fingerprint
    session.flush()
    again = services.run(session)
    assert (again.new_hits, again.reopened, hit_of(session, world["GB"]).status) == (
        0,
        0,
        HitStatus.DISMISSED,
    )
    write_ftm(
        path, ftm_line("kes", "Kestrel Signal Analytics Ltd", aliases=("Kestrel SA",), countries=("gb",))
    )
    report = load(session, path)
    changed = services.run(session, entity_pks=report.screen_pks)
    reopened = hit_of(session, world["GB"])
    assert changed.reopened == 1 and reopened.status == HitStatus.NEW
    assert "the listing changed after it was dismissed by a@b.example" in (reopened.reopened_note or "")


def test_a_delisting_is_recorded_on_the_hit(
    session: Session, world: dict[str, Customer], tmp_path: Path
) -> None:
    path = write_ftm(
        tmp_path / "list.json", ftm_line("kes", "Kestrel Signal Analytics Ltd", countries=("gb",))
    )
    load(session, path)
    services.run(session)
    write_ftm(path, ftm_line("zz", "Zulu Unrelated Holdings", countries=("fr",)))
    report = load(session, path)
    assert report.removed == 1
    hit = hit_of(session, world["GB"])
    assert hit.delisted_at is not None and hit.active
    services.run(session)
    assert hit_of(session, world["GB"]).delisted_at is not None  # a later run does not forget it


def test_a_changed_customer_is_queued_and_screened_by_the_job(
    session: Session, world: dict[str, Customer], tmp_path: Path
) -> None:
    load(session, write_ftm(tmp_path / "list.json", ftm_line("n", "NORDLICHT SYSTEMHAUS", countries=("de",))))
    assert services.run(session, customer_ids=[world["GB"].id]).hits == 0
    # Importing the customers queued them (the customers_changed signal); the job takes the queue.
    assert set(services.take_pending(session)) == {c.id for c in world.values()}
    services.queue_customers(session, [world["DE"].id, world["DE"].id])
    report = services.screen_pending(session)
    assert report is not None and report.customers == 1 and report.new_hits == 1
    assert services.screen_pending(session) is None


def test_a_renamed_customer_that_no_longer_matches_is_cleared_not_deleted(
    session: Session, world: dict[str, Customer], tmp_path: Path
) -> None:
    load(
        session,
        write_ftm(tmp_path / "list.json", ftm_line("kes", "Kestrel Signal Analytics", countries=("gb",))),
    )
    services.run(session)
    world["GB"].name = "Harrier Media Research"
    session.flush()
    report = services.run(session, customer_ids=[world["GB"].id])
    assert report.cleared == 1 and hit_of(session, world["GB"]).active is False


def _deploy(session: Session, customer: str, ref: str, status: str = "active") -> None:
    contracts.import_deployments(
        session, f"ref,customer,product,version,status\n{ref},{customer},Sentinel DPI,5.4,{status}\n"
    )


def _alerts_of(session: Session, customer: Customer) -> list[Alert]:
    return list(session.scalars(select(Alert).where(Alert.customer_id == customer.id)))


def test_a_listed_customer_deployed_later_raises_one_critical_alert(
    session: Session, world: dict[str, Customer], tmp_path: Path
) -> None:
    load(
        session,
        write_ftm(tmp_path / "l.json", ftm_line("kes", "Kestrel Signal Analytics Ltd", countries=("gb",))),
    )
    assert services.run(session).alerts == 0 and hit_of(session, world["GB"]).alert_id is None
    services.take_pending(session)
    _deploy(session, "Kestrel Signal Analytics", "DEP-GB")
    # The deployments import queued the customer (deployments_changed); the job screens it within a minute.
    report = services.screen_pending(session)
    assert report is not None and (report.new_hits, report.alerts) == (0, 1)
    alert = session.get(Alert, hit_of(session, world["GB"]).alert_id)
    assert alert is not None and alert.level == AlertLevel.CRITICAL and alert.customer_id == world["GB"].id
    assert alert.reasons[0].startswith("listed on Sanctions") and "active deployment DEP-GB" in alert.reasons
    # Once: the deployment suspended and reactivated, a second one, a full run: still the one alert.
    for ref, status in (("DEP-GB", "suspended"), ("DEP-GB", "active"), ("DEP-GB2", "active")):
        _deploy(session, "Kestrel Signal Analytics", ref, status)
        assert services.screen_pending(session).alerts == 0  # type: ignore[union-attr]
    assert services.run(session).alerts == 0
    assert _alerts_of(session, world["GB"]) == [alert]


def test_a_listed_party_that_comes_to_supply_a_deployed_customer_raises_one_critical_alert(
    session: Session, world: dict[str, Customer], tmp_path: Path
) -> None:
    load(session, write_ftm(tmp_path / "l.json", ftm_line("nor", "NORDLICHT SYSTEMHAUS", countries=("de",))))
    assert services.run(session).alerts == 0
    services.take_pending(session)
    chain = (
        "name,aliases,country,kind,government_ties,supplied_by\n"
        "Министерство внутренних дел,МВД;MVD,RU,government,yes,"
        "Gulf Secure Distribution FZE;Nordlicht Systemhaus GmbH\n"
    )
    contracts.import_customers(session, chain)  # only the end user's row: its new supplier is queued too
    assert services.screen_pending(session).alerts == 1  # type: ignore[union-attr]
    (alert,) = _alerts_of(session, world["DE"])
    assert alert.level == AlertLevel.CRITICAL
    assert "supplier of Министерство внутренних дел, which has an active deployment" in alert.reasons
    contracts.import_customers(session, chain)
    assert services.screen_pending(session).alerts == 0  # type: ignore[union-attr]
    assert len(_alerts_of(session, world["DE"])) == 1


def test_a_dismissed_hit_raises_no_alert_when_its_customer_is_deployed(
    session: Session, world: dict[str, Customer], tmp_path: Path
) -> None:
    load(
        session,
        write_ftm(tmp_path / "l.json", ftm_line("kes", "Kestrel Signal Analytics Ltd", countries=("gb",))),
    )
    services.run(session)
    review.dismiss(session, hit_of(session, world["GB"]).id, actor="a@b.example", note="another Kestrel")
    _deploy(session, "Kestrel Signal Analytics", "DEP-GB")
    assert services.screen_pending(session).alerts == 0  # type: ignore[union-attr]
    assert _alerts_of(session, world["GB"]) == []


def test_a_suspended_deployment_reinstated_by_a_safeguard_action_raises_the_alert(
    session: Session, world: dict[str, Customer], tmp_path: Path, make_member: Any
) -> None:
    _deploy(session, "Kestrel Signal Analytics", "DEP-GB", status="suspended")
    load(
        session,
        write_ftm(tmp_path / "l.json", ftm_line("kes", "Kestrel Signal Analytics Ltd", countries=("gb",))),
    )
    assert services.run(session).alerts == 0  # a suspended deployment is not an active one
    services.take_pending(session)
    proposer, approver = make_member("triager"), make_member("admin")
    deployment = session.scalars(select(Deployment).where(Deployment.ref == "DEP-GB")).one()
    action = safeguards.propose_action(
        session, deployment.id, "reinstate", "Cleared", ["case:1"], proposer.user
    )
    safeguards.approve_action(session, action.id, approver.user)
    assert services.screen_pending(session).alerts == 1  # type: ignore[union-attr]
    (alert,) = _alerts_of(session, world["GB"])
    assert "active deployment DEP-GB" in alert.reasons
