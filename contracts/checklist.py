"""The fixed lists of this domain and the configurable red-flag checklist that sets risk tiers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from contracts.models import Clause
from endwatch.config import Config, ConfigError

# Capability categories of the State Department guidance (30 Sept 2020), "products or services with
# surveillance capabilities".
CAPABILITIES: dict[str, str] = {
    "sensors": "Sensors (cameras, microphones, drones and other platforms collecting at scale or covertly)",
    "biometric_identification": "Biometric identification (face, voice, gait, iris recognition)",
    "data_analytics": "Data analytics (social-media and big-data analysis, profiling)",
    "internet_surveillance": "Internet surveillance (interception, deep packet inspection, spyware)",
    "location_tracking": "Non-cooperative location tracking (IMSI catchers, SS7 and cell-site tracking)",
    "recording_devices": "Recording devices (covert audio and video capture)",
}

CLAUSE_LABELS: dict[Clause, str] = {
    Clause.END_USE_LIMITS: "End-use limits",
    Clause.HUMAN_RIGHTS: "Human-rights clause",
    Clause.TERMINATE: "Right to terminate",
    Clause.DENY_UPDATES: "Right to deny software updates",
    Clause.SUSPEND: "Right to suspend service",
    Clause.AUDIT: "Audit rights",
    Clause.REEXPORT_BAN: "Re-export ban",
    Clause.GRIEVANCE_NOTICE: "Grievance-mechanism notice",
    Clause.DATA_DELETION: "Data deletion",
    Clause.REMOTE_DISABLE: "Remote disabling (opt-in)",
}
REMOTE_DISABLE_NOTE = (
    "Remote disabling (a 'kill switch') appeared in the 2019 draft guidance but was dropped from the final "
    "guidance of 30 September 2020. It is recorded only when a contract explicitly opts in; it is off by "
    "default and never counted as a required safeguard."
)

TIERS = ("low", "medium", "high")
# Flags found from the records themselves rather than entered by staff.
DERIVED_FLAGS = frozenset({"government_end_user", "item_capability"})
# Flags that call for a safeguard review as soon as they are recorded (not at the next periodic one).
REVIEW_NOW_FLAGS = frozenset({"restricted_party"})
HIGH_CONCERN_CAPABILITIES = frozenset(
    {"internet_surveillance", "location_tracking", "biometric_identification"}
)

DEFAULT_CHECKLIST: dict[str, Any] = {
    "flags": [
        {
            "code": "government_end_user",
            "weight": 2,
            "label": "Government end user, or an end user with close ties to a government",
        },
        {
            "code": "abuse_record",
            "weight": 3,
            "label": "Record of human-rights abuses of the kind the item could help commit",
        },
        {
            "code": "civic_space_laws",
            "weight": 2,
            "label": "Laws that unduly restrict civic space (speech, assembly, association, privacy)",
        },
        {"code": "judiciary", "weight": 1, "label": "Judiciary not independent; no effective remedy"},
        {"code": "other_end_users", "weight": 2, "label": "The stated end user may not be the only one"},
        {"code": "reexport_risk", "weight": 2, "label": "Risk of diversion or re-export"},
        {
            "code": "restricted_party",
            "weight": 5,
            "label": "Listed as a restricted party (a sanctions or export-control list)",
        },
        {
            "code": "item_capability",
            "weight": 1,
            "label": "The item's capability (interception, location tracking or biometric identification)",
        },
    ],
    "tiers": {"high": 5, "medium": 2},
    "review_months": {"high": 6, "medium": 12, "low": 24},
    "renewal_lead_days": 90,
    "required_clauses": {
        "low": ["end_use_limits", "human_rights", "right_to_terminate", "grievance_notice"],
        "medium": [
            "end_use_limits",
            "human_rights",
            "right_to_terminate",
            "grievance_notice",
            "audit_rights",
            "reexport_ban",
            "data_deletion",
        ],
        "high": [
            "end_use_limits",
            "human_rights",
            "right_to_terminate",
            "grievance_notice",
            "audit_rights",
            "reexport_ban",
            "data_deletion",
            "right_to_deny_updates",
            "right_to_suspend",
        ],
    },
}


@dataclass(frozen=True)
class Flag:
    code: str
    label: str
    weight: int


@dataclass(frozen=True)
class Checklist:
    flags: tuple[Flag, ...]
    thresholds: dict[str, int]
    review_months: dict[str, int]
    renewal_lead_days: int
    required: dict[str, tuple[Clause, ...]] = field(default_factory=dict)

    def flag(self, code: str) -> Flag | None:
        return next((f for f in self.flags if f.code == code), None)

    def tier_for(self, score: int) -> str:
        if score >= self.thresholds["high"]:
            return "high"
        if score >= self.thresholds["medium"]:
            return "medium"
        return "low"


def load(config: Config) -> Checklist:
    """The checklist in force: the guidance's defaults, overridden key by key by ENDWATCH_RISK_CHECKLIST."""
    return _load(config.risk_checklist)


@lru_cache(maxsize=8)
def _load(path: str) -> Checklist:
    data = dict(DEFAULT_CHECKLIST)
    if path:
        try:
            override = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"ENDWATCH_RISK_CHECKLIST {path} is unreadable: {exc.strerror}") from None
        except ValueError as exc:
            raise ConfigError(f"ENDWATCH_RISK_CHECKLIST {path} is not valid JSON: {exc}") from None
        if not isinstance(override, dict):
            raise ConfigError(f"ENDWATCH_RISK_CHECKLIST {path} must hold a JSON object")
        unknown = sorted(set(override) - set(DEFAULT_CHECKLIST))
        if unknown:
            raise ConfigError(f"ENDWATCH_RISK_CHECKLIST {path}: unknown key {unknown[0]!r}")
        data.update(override)
    try:
        return _build(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"ENDWATCH_RISK_CHECKLIST {path}: malformed checklist ({exc})") from None


def _build(data: dict[str, Any]) -> Checklist:
    flags = tuple(Flag(str(f["code"]), str(f["label"]), int(f["weight"])) for f in data["flags"])
    required = {
        tier: tuple(Clause(code) for code in data["required_clauses"][tier] if code != Clause.REMOTE_DISABLE)
        for tier in TIERS
    }
    return Checklist(
        flags=flags,
        thresholds={"high": int(data["tiers"]["high"]), "medium": int(data["tiers"]["medium"])},
        review_months={tier: int(data["review_months"][tier]) for tier in TIERS},
        renewal_lead_days=int(data["renewal_lead_days"]),
        required=required,
    )
