"""The report's own gettext domain ("report") and every public label it shows.

The catalogs live next to the shell's (endwatch/translations/<lang>/LC_MESSAGES/report.po and .mo);
the intake's "messages" domain is a separate file. Outside a request (the command line) the labels
are English.
"""

from __future__ import annotations

from typing import Any

from flask_babel import Domain

domain = Domain(domain="report")
rt = domain.gettext
lazy = domain.lazy_gettext

CATEGORY_LABELS = {
    "privacy": lazy("Privacy"),
    "expression": lazy("Freedom of expression"),
    "assembly": lazy("Freedom of assembly and association"),
    "religion": lazy("Freedom of religion or belief"),
    "liberty": lazy("Liberty and security of person"),
    "life": lazy("Right to life"),
    "discrimination": lazy("Non-discrimination"),
    "other": lazy("Other rights"),
    "several": lazy("Several rights"),
    "not_stated": lazy("Not stated"),
}
REGION_LABELS = {
    "africa": lazy("Africa"),
    "americas": lazy("Americas"),
    "asia": lazy("Asia"),
    "europe": lazy("Europe"),
    "oceania": lazy("Oceania"),
    "not_stated": lazy("Not stated"),
}
OUTCOME_LABELS = {
    "substantiated": lazy("Substantiated"),
    "partly_substantiated": lazy("Partly substantiated"),
    "unsubstantiated": lazy("Not substantiated"),
    "outside_scope": lazy("Outside the scope of this mechanism"),
    "duplicate": lazy("Duplicate of another report"),
    "open": lazy("Still open"),
    "not_recorded": lazy("Concluded, outcome not recorded"),
}
TIMELINESS_LABELS = {
    "on_time": lazy("On time"),
    "late": lazy("Late"),
    "not_yet_due": lazy("Deadline not reached yet"),
}
ACTION_LABELS = {
    "deny_updates": lazy("Software updates denied"),
    "suspend": lazy("Service suspended"),
    "terminate": lazy("Contract terminated"),
    "reinstate": lazy("Measure lifted"),
}
LABELS = {
    "category": CATEGORY_LABELS,
    "region": REGION_LABELS,
    "outcome": OUTCOME_LABELS,
    "acknowledgement": TIMELINESS_LABELS,
    "feedback": TIMELINESS_LABELS,
    "actions": ACTION_LABELS,
}
TABLE_TITLES = {
    "category": lazy("Reports by right harmed"),
    "region": lazy("Reports by region where the harm happened"),
    "outcome": lazy("Reports by outcome"),
    "acknowledgement": lazy("Receipt acknowledged within 7 days"),
    "feedback": lazy("Feedback given within 3 months"),
    "actions": lazy("Safeguard actions taken, by type"),
}
COLUMN_TITLES = {
    "category": lazy("Right harmed"),
    "region": lazy("Region"),
    "outcome": lazy("Outcome"),
    "acknowledgement": lazy("Acknowledgement"),
    "feedback": lazy("Feedback"),
    "actions": lazy("Type of action"),
}
STAGES = (
    ("received", lazy("Received"), lazy("We acknowledge receipt within 7 days.")),
    ("assessing", lazy("Assessed"), lazy("We check the facts and how severe and how likely the harm is.")),
    (
        "addressing",
        lazy("Addressed"),
        lazy(
            "We act, for example by using the safeguards in our contracts: denying updates, "
            "suspending service or ending the contract."
        ),
    ),
    (
        "concluded",
        lazy("Concluded"),
        lazy(
            "We give feedback within 3 months of acknowledging receipt and tell the person who "
            "reported the outcome."
        ),
    ),
)
ROUTES = (
    ("nhri", lazy("National human rights institutions and ombudspersons")),
    ("oecd_ncp", lazy("OECD National Contact Points for Responsible Business Conduct")),
    (
        "un_special_procedures",
        lazy(
            "UN special procedures, such as the Special Rapporteurs on freedom of expression and on "
            "human rights defenders"
        ),
    ),
    (
        "civil_society",
        lazy("Civil-society organisations that investigate the misuse of surveillance technology"),
    ),
)


def label(table: str, key: str) -> str:
    return str(LABELS[table].get(key, key))


def fewer_than(k: int) -> str:
    return rt("fewer than %(k)s", k=k)


def withheld() -> str:
    return rt("withheld")


def process() -> dict[str, Any]:
    """The stages with their time frames and the routes outside the company, for the JSON report."""
    return {
        "stages": [{"stage": key, "name": str(name), "time_frame": str(text)} for key, name, text in STAGES],
        "outside_routes": [{"route": key, "name": str(name)} for key, name in ROUTES],
    }
