"""Demo data of this domain for `endwatch init --demo`: invented companies, realistic shapes."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts import checklist, entitlements, risk, safeguards, services
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
Министерство внутренних дел,МВД;MVD;Ministry of Internal Affairs,RU,government,yes,Balkan Telecom Solutions d.o.o.,Demo
وزارة الداخلية,Ministry of Interior;MOI;Wizarat al-Dakhiliya,EG,government,yes,Gulf Secure Distribution FZE,Demo
Bahrain National Telecom Company,BNTC;Batelco Demo,BH,soe,yes,Gulf Secure Distribution FZE;Nordlicht Systemhaus GmbH,State-owned operator
Policía Metropolitana de Caracas,PMC;Policía Metropolitana,VE,government,yes,,
Agence Nationale de Sécurité Numérique,ANSN,SN,government,yes,Nordlicht Systemhaus GmbH,
Kestrel Analytics Ltd,Kestrel,GB,private,no,,Marketing analytics company
"""  # noqa: E501

CONTRACTS = """ref,customer,clauses,signed_on,notes
C-2022-014,Министерство внутренних дел,end_use_limits;right_to_terminate,2022-03-01,Legacy contract
C-2023-007,وزارة الداخلية,end_use_limits;human_rights;right_to_terminate;right_to_deny_updates;right_to_suspend;audit_rights;reexport_ban;grievance_notice;data_deletion,2023-05-15,
C-2023-019,Bahrain National Telecom Company,end_use_limits;human_rights;right_to_terminate;right_to_deny_updates;grievance_notice;remote_disable,2023-09-01,Opted in to remote disabling
C-2024-003,Policía Metropolitana de Caracas,end_use_limits;human_rights;right_to_terminate;right_to_suspend;audit_rights,2024-01-20,
C-2024-011,Agence Nationale de Sécurité Numérique,end_use_limits;human_rights;right_to_terminate;right_to_deny_updates;right_to_suspend;audit_rights;reexport_ban;grievance_notice;data_deletion,2024-06-10,
C-2024-020,Kestrel Analytics Ltd,end_use_limits;human_rights;right_to_terminate;grievance_notice,2024-08-01,
"""  # noqa: E501


def _deployments(today: date) -> str:
    def d(days: int) -> str:
        return (today + timedelta(days=days)).isoformat()

    return (
        "ref,customer,product,version,contract,max_version,licence_start,licence_end,status\n"
        f"DEP-RU-001,Министерство внутренних дел,Sentinel DPI 5,5.2.0,C-2022-014,5.9,{d(-900)},{d(60)},active\n"  # noqa: E501
        f"DEP-EG-001,وزارة الداخلية,FaceTrace Enterprise,3.0.4,C-2023-007,,{d(-500)},{d(400)},active\n"
        f"DEP-EG-002,وزارة الداخلية,Locus Cell Finder,2.8.1,C-2023-007,,{d(-300)},{d(430)},active\n"
        f"DEP-BH-001,Bahrain National Telecom Company,Sentinel DPI 5,5.4.2,C-2023-019,,{d(-450)},{d(280)},active\n"  # noqa: E501
        f"DEP-VE-001,Policía Metropolitana de Caracas,SkyEye Quadcopter X4,1.2,C-2024-003,,{d(-200)},{d(530)},active\n"  # noqa: E501
        f"DEP-SN-001,Agence Nationale de Sécurité Numérique,OpenPulse Analytics,7.0.0,C-2024-011,,{d(-150)},{d(580)},active\n"  # noqa: E501
        f"DEP-GB-001,Kestrel Analytics Ltd,OpenPulse Analytics,6.9.3,C-2024-020,,{d(-100)},{d(265)},active\n"
        f"DEP-BH-002,Bahrain National Telecom Company,Locus Cell Finder,2.9.0,,,,,planned\n"
    )


FLAGS = [
    (
        "Министерство внутренних дел",
        "abuse_record",
        "UN Human Rights Council reports on surveillance of protesters, 2022-2023 (demo source)",
    ),
    ("Министерство внутренних дел", "civic_space_laws", "'Foreign agent' legislation (demo source)"),
    ("Министерство внутренних дел", "judiciary", "Annual rule-of-law index (demo source)"),
    ("وزارة الداخلية", "abuse_record", "NGO report on detention of journalists, 2023 (demo source)"),
    ("وزارة الداخلية", "civic_space_laws", "Anti-protest law (demo source)"),
    (
        "Bahrain National Telecom Company",
        "other_end_users",
        "Press reports of shared interception with security services (demo source)",
    ),
    ("Policía Metropolitana de Caracas", "reexport_risk", "Distributor audit finding, 2024 (demo source)"),
]


def load_demo(session: Session, config: Config) -> list[str]:
    """Load sample products, customers with intermediaries, contracts, deployments and two actions."""
    services.import_products(session, PRODUCTS, actor="demo")
    services.import_customers(session, CUSTOMERS, actor="demo")
    services.import_contracts(session, CONTRACTS, actor="demo")
    services.import_deployments(session, _deployments(date.today()), actor="demo")
    rules = checklist.load(config)
    for name, code, note in FLAGS:
        customer = session.scalars(select(Customer).where(Customer.name == name)).one()
        risk.set_red_flag(session, customer, code, note, "demo", rules)
    customer = session.scalars(
        select(Customer).where(Customer.name == "Agence Nationale de Sécurité Numérique")
    ).one()
    risk.record_review(
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

    key = entitlements.signing_key(config)
    entitlements.ensure_published(session, key)
    token = entitlements.issue_token(session, _deployment(session, "DEP-GB-001"), actor="demo")
    lines += [
        f"Entitlement signing key {key.key_id}; public keys at /api/v1/signing-key.",
        "Demo entitlement token for DEP-GB-001 (shown once):",
        f"    curl -H 'Authorization: Bearer {token}' 'http://127.0.0.1:5000/api/v1/entitlements?version=7.0.0'",
    ]
    return lines


def _deployment(session: Session, ref: str) -> Deployment:
    return session.scalars(select(Deployment).where(Deployment.ref == ref)).one()
