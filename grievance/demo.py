"""Demo data of this domain for `endwatch init --demo`: reports in several languages, through the real intake."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from endwatch import accounts, crypto
from endwatch.config import Config
from endwatch.db import utcnow
from endwatch.demo import DEMO_PASSWORD
from endwatch.models import User
from grievance import access, attachments, intake
from grievance.models import Case, CaseState, Outcome

DEMO_REPORTS = (
    intake.Submission(
        what="After the protest in March our group chat was read by the police; they quoted messages to us "
        "during questioning. A technician at the ministry said the 'new interception system' did it.",
        who="Ministry of Interior, cyber unit",
        categories=["privacy", "assembly", "liberty"],
        country="KE",
        incident_period="past_6_months",
        language="en",
    ),
    intake.Submission(
        what="Varios periodistas recibieron mensajes con enlaces; después sus teléfonos fueron rastreados.",
        who="Policía federal, unidad de inteligencia",
        contact="Signal: +52 55 0000 0000 (solo por las tardes)",
        categories=["expression", "privacy"],
        country="MX",
        incident_period="past_year",
        language="es",
    ),
    intake.Submission(
        what="Des caméras de reconnaissance faciale ont été utilisées pour identifier des manifestants.",
        categories=["assembly", "discrimination"],
        country="",
        incident_period="ongoing",
        language="fr",
    ),
    intake.Submission(
        what="تم تتبع موقع هاتفي بعد مشاركتي في تجمع سلمي، ثم استُدعيت للتحقيق.",
        who="جهاز الأمن الوطني",
        categories=["liberty", "privacy"],
        country="EG",
        incident_period="past_month",
        language="ar",
    ),
    intake.Submission(
        what="Оборудование для анализа трафика использовалось для блокировки и слежки за журналистами.",
        categories=["expression"],
        country="BY",
        incident_period="1_to_3_years",
        language="ru",
    ),
)


def load_demo(session: Session, config: Config) -> list[str]:
    """Submit the sample reports through the intake service; print their receipts to try the follow-up."""
    lines = ["Demo reports (try /followup with a receipt):"]
    for number, submission in enumerate(DEMO_REPORTS):
        files = (
            [attachments.clean("note.txt", b"Notes written the same evening.", config)] if number == 0 else []
        )
        case, receipt = intake.create_case(session, config, submission, files)
        lines.append(f"    {case.reference} ({submission.language}): {receipt}")
    last_year = utcnow().year - 1
    lines.append(
        f"Demo: {load_past_year(session, config, last_year)} handled reports in {last_year} for /transparency."
    )
    triager = session.scalars(select(User).where(User.email.like("triager@%"))).first()
    if triager is not None:
        private_key = _private_key(triager, DEMO_PASSWORD)
        first = session.scalars(select(Case).order_by(Case.id)).first()
        if first is not None:
            access.add_reply(
                session,
                first,
                "Thank you for your report. Which month was the protest?",
                triager,
                private_key,
            )
    return lines


PAST_RIGHTS = ("privacy", "expression", "privacy", "assembly", "liberty", "privacy", "expression", "other")
PAST_COUNTRIES = ("KE", "MX", "EG", "BY", "VE", "AE", "RU", "IN", "PH", "CO", "TR", "")
PAST_OUTCOMES = (
    Outcome.SUBSTANTIATED,
    Outcome.UNSUBSTANTIATED,
    Outcome.PARTLY_SUBSTANTIATED,
    Outcome.OUTSIDE_SCOPE,
    Outcome.SUBSTANTIATED,
    Outcome.DUPLICATE,
)


def load_past_year(session: Session, config: Config, year: int, count: int = 60) -> int:
    """A finished year of handled reports, so that /transparency has something to publish.

    Each goes through the real intake (encrypted, sealed), then gets the dates and outcome of a case
    handled in that year; a few were acknowledged or answered late.
    """
    for n in range(count):
        submission = intake.Submission(
            what=f"Demo report {n + 1} of {year}: no real person wrote this.",
            categories=[PAST_RIGHTS[n % len(PAST_RIGHTS)], PAST_RIGHTS[(n + 3) % len(PAST_RIGHTS)]][
                : 1 + (n % 4 == 0)
            ],
            country=PAST_COUNTRIES[n % len(PAST_COUNTRIES)],
            incident_period="past_year",
            language=("en", "es", "fr", "ar", "ru")[n % 5],
        )
        case, _receipt = intake.create_case(session, config, submission)
        received = datetime(year, 1 + n % 12, 1 + (n * 7) % 27, 10, tzinfo=UTC)
        case.created_at = received
        case.acknowledged_at = received + timedelta(days=2 + n % 4 + (8 if n % 9 == 0 else 0))
        case.feedback_given_at = case.acknowledged_at + timedelta(days=20 + (n * 11) % 80)
        if n % 7 != 6:  # most are concluded within the year or soon after
            case.state = CaseState.CONCLUDED
            case.outcome = PAST_OUTCOMES[n % len(PAST_OUTCOMES)]
            case.concluded_at = case.feedback_given_at + timedelta(days=5 + n % 30)
        else:
            case.state = CaseState.ADDRESSING
    session.flush()
    return count


def _private_key(user: User, password: str) -> bytes:
    return accounts.open_vault(user, crypto.unwrap_with_passphrase(user.key_wrap, password)).private_key
