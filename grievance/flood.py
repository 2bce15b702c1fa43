"""Flood control of the public side, which must hold behind an onion service (one address for all).

- A wrong receipt costs one HMAC: its keyed check group fails (endwatch.case_crypto.receipt_may_match),
  so it is refused without the slow hash and counts against nobody.
- What costs a slow hash (a report, a receipt that passes its check, an older word receipt) is paid from
  the visitor's own budget, kept per browser session (endwatch.ratelimit), never per address or
  site-wide: one person using theirs up leaves everyone else's intact.
"""

from __future__ import annotations

from flask import current_app

from endwatch import ratelimit
from endwatch.config import Config
from grievance import receipts

REPORTS, RECEIPTS = "report", "receipt"


def config() -> Config:
    return current_app.config["ENDWATCH"]  # type: ignore[no-any-return]


def admit_report() -> ratelimit.Verdict:
    """Spend one report from this visitor's budget (ENDWATCH_INTAKE_LIMIT)."""
    return ratelimit.spend(REPORTS, config().intake_limit)


def receipt_worth_checking(receipt: str) -> bool:
    return receipts.may_match(config(), receipt)


def may_check_receipt() -> ratelimit.Verdict:
    """Whether this visitor may still have a receipt checked with the slow hash (ENDWATCH_FOLLOWUP_LIMIT)."""
    return ratelimit.check(RECEIPTS, config().followup_limit)


def receipt_failed() -> None:
    ratelimit.spend(RECEIPTS, config().followup_limit)
