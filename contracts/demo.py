"""Demo data of this domain for `endwatch init --demo`: invented agencies and companies, realistic shapes.

The names match the shipped sample feeds (monitoring/samples), so the demo raises alerts; every one is fictional.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts import assessment, checklist, csv_import, entitlement_keys, entitlements, safeguards
from contracts.models import Customer, Deployment
from endwatch.config import Config
from endwatch.models import Role, User

PRODUCTS = """name,capabilities,receives_updates,remote_suspension,latest_version,notes
Sentinel DPI 5,internet_surveillance;data_analytics,yes,yes,5.4.2,Carrier-grade deep packet inspection
FaceTrace Enterprise,biometric_identification;sensors,yes,no,3.1.0,Face recognition on video feeds
Locus Cell Finder,location_tracking,yes,yes,2.8.1,Cell-site and IMSI based location
OpenPulse Analytics,data_analytics,yes,yes,7.0.0,Social-media monitoring dashboard
SkyEye Quadcopter X4,sensors;recording_devices,no,no,1.2,Camera drone; firmware updates by depot only
"""

CUSTOMERS = """name,aliases,country,kind,government_ties,supplied_by,notes
Gulf Secure Distribution FZE,GSD;Gulf Secure,AE,distributor,no,,Regional distributor for the Gulf
Nordlicht Systemhaus GmbH,Nordlicht,DE,reseller,no,,Integrator and reseller
Balkan Telecom Solutions d.o.o.,BTS,RS,reseller,no,,
Агентство информационного мониторинга,ФАИМ;AIM;Agency for Information Monitoring,RU,government,yes,Balkan Telecom Solutions d.o.o.,Fictional demo agency
المديرية العامة للأمن العام,General Directorate of Public Security;GDPS,EG,government,yes,Gulf Secure Distribution FZE,Fictional demo agency
Directorate of Special Communications,DSC,BH,government,yes,Gulf Secure Distribution FZE;Nordlicht Systemhaus GmbH,Fictional demo agency
Dirección Nacional de Inteligencia Estratégica,DINIE,VE,government,yes,,Fictional demo agency
Office national de la surveillance des communications,ONSC,SN,government,yes,Nordlicht Systemhaus GmbH,Fictional demo agency
Kestrel Signal Analytics,Kestrel,GB,private,no,,Fictional social-media analytics company
"""  # noqa: E501

CONTRACTS = """ref,customer,clauses,signed_on,notes
C-2022-014,Агентство информационного мониторинга,end_use_limits;right_to_terminate,2022-03-01,Legacy contract
C-2023-007,المديرية العامة للأمن العام,end_use_limits;human_rights;right_to_terminate;right_to_deny_updates;right_to_suspend;audit_rights;reexport_ban;grievance_notice;data_deletion,2023-05-15,
C-2023-019,Directorate of Special Communications,end_use_limits;human_rights;right_to_terminate;right_to_deny_updates;grievance_notice;remote_disable,2023-09-01,Opted in to remote disabling
C-2024-003,Dirección Nacional de Inteligencia Estratégica,end_use_limits;human_rights;right_to_terminate;right_to_suspend;audit_rights,2024-01-20,
C-2024-011,Office national de la surveillance des communications,end_use_limits;human_rights;right_to_terminate;right_to_deny_updates;right_to_suspend;audit_rights;reexport_ban;grievance_notice;data_deletion,2024-06-10,
C-2024-020,Kestrel Signal Analytics,end_use_limits;human_rights;right_to_terminate;grievance_notice,2024-08-01,
"""  # noqa: E501


def _deployments(today: date) -> str:
    def d(days: int) -> str:
        return (today + timedelta(days=days)).isoformat()

    return (
        "ref,customer,product,version,contract,max_version,licence_start,licence_end,status\n"
        f"DEP-RU-001,Агентство информационного мониторинга,Sentinel DPI 5,5.2.0,C-2022-014,5.9,{d(-900)},{d(60)},active\n"  # noqa: E501
        f"DEP-EG-001,المديرية العامة للأمن العام,FaceTrace Enterprise,3.0.4,C-2023-007,,{d(-500)},{d(400)},active\n"
        f"DEP-EG-002,المديرية العامة للأمن العام,Locus Cell Finder,2.8.1,C-2023-007,,{d(-300)},{d(430)},active\n"
        f"DEP-BH-001,Directorate of Special Communications,Sentinel DPI 5,5.4.2,C-2023-019,,{d(-450)},{d(280)},active\n"  # noqa: E501
        f"DEP-VE-001,Dirección Nacional de Inteligencia Estratégica,SkyEye Quadcopter X4,1.2,C-2024-003,,{d(-200)},{d(530)},active\n"  # noqa: E501
        f"DEP-SN-001,Office national de la surveillance des communications,OpenPulse Analytics,7.0.0,C-2024-011,,{d(-150)},{d(580)},active\n"  # noqa: E501
        f"DEP-GB-001,Kestrel Signal Analytics,OpenPulse Analytics,6.9.3,C-2024-020,,{d(-100)},{d(265)},active\n"
        f"DEP-BH-002,Directorate of Special Communications,Locus Cell Finder,2.9.0,,,,,planned\n"
    )


FLAGS = [
    (
        "Агентство информационного мониторинга",
        "abuse_record",
        "UN Human Rights Council reports on surveillance of protesters, 2022-2023 (demo source)",
    ),
    (
        "Агентство информационного мониторинга",
        "civic_space_laws",
        "'Foreign agent' legislation (demo source)",
    ),
    ("Агентство информационного мониторинга", "judiciary", "Annual rule-of-law index (demo source)"),
    (
        "المديرية العامة للأمن العام",
        "abuse_record",
        "NGO report on detention of journalists, 2023 (demo source)",
    ),
    ("المديرية العامة للأمن العام", "civic_space_laws", "Anti-protest law (demo source)"),
    (
        "Directorate of Special Communications",
        "other_end_users",
        "Press reports of shared interception with security services (demo source)",
    ),
    (
        "Dirección Nacional de Inteligencia Estratégica",
        "reexport_risk",
        "Distributor audit finding, 2024 (demo source)",
    ),
]


def load_demo(session: Session, config: Config) -> list[str]:
    """Load sample products, customers with intermediaries, contracts, deployments and two actions."""
    csv_import.import_products(session, PRODUCTS, actor="demo")
    csv_import.import_customers(session, CUSTOMERS, actor="demo")
    csv_import.import_contracts(session, CONTRACTS, actor="demo")
    csv_import.import_deployments(session, _deployments(date.today()), actor="demo")
    rules = checklist.load(config)
    for name, code, note in FLAGS:
        customer = session.scalars(select(Customer).where(Customer.name == name)).one()
        assessment.set_red_flag(session, customer, code, note, "demo", rules)
    customer = session.scalars(
        select(Customer).where(Customer.name == "Office national de la surveillance des communications")
    ).one()
    assessment.record_review(
        session,
        customer,
        reviewer="demo",
        outcome="continue",
        config=config,
        notes="Safeguards complete; grievance notice translated into French and Wolof.",
        reviewed_on=date.today() - timedelta(days=40),
    )

    admin = session.scalars(select(User).where(User.role == Role.ADMIN).order_by(User.id)).first()
    triager = session.scalars(select(User).where(User.role == Role.TRIAGER).order_by(User.id)).first()
    lines = ["Contracts: 5 products, 9 customers (3 intermediaries), 6 contracts, 8 deployments."]
    if admin is not None and triager is not None:
        egypt = _deployment(session, "DEP-EG-002")
        approved = safeguards.propose_action(
            session,
            egypt.id,
            "deny_updates",
            "Credible reports link the location tracker to arrests of journalists (demo).",
            ["alert:1", "case:1"],
            triager,
        )
        safeguards.approve_action(session, approved.id, admin, "Two independent sources (demo).")
        bahrain = _deployment(session, "DEP-BH-001")
        safeguards.propose_action(
            session,
            bahrain.id,
            "deny_updates",
            "Operator refused the audit requested under the contract (demo).",
            ["case:2"],
            triager,
        )
        lines.append(
            "Contracts: one approved action (updates denied to DEP-EG-002) and one awaiting approval."
        )

    key = entitlement_keys.signing_key(config)
    entitlement_keys.ensure_published(session, key)
    token = entitlements.issue_token(session, _deployment(session, "DEP-GB-001"), actor="demo")
    lines += [
        f"Entitlement signing key {key.key_id}; public keys at /api/v1/signing-key.",
        "Demo entitlement token for DEP-GB-001 (shown once):",
        f"    curl -H 'Authorization: Bearer {token}' 'http://127.0.0.1:5000/api/v1/entitlements?version=7.0.0'",
    ]
    return lines


def _deployment(session: Session, ref: str) -> Deployment:
    return session.scalars(select(Deployment).where(Deployment.ref == ref)).one()
