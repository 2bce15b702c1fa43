"""Demo data of this domain for `endwatch init --demo`: reports in several languages, through the real intake."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from endwatch import crypto
from endwatch.config import Config
from endwatch.models import User
from grievance import attachments, intake

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
    from endwatch.cli import DEMO_PASSWORD

    lines = ["Demo reports (try /followup with a receipt):"]
    for number, submission in enumerate(DEMO_REPORTS):
        files = [attachments.clean("note.txt", b"Notes written the same evening.")] if number == 0 else []
        case, receipt = intake.create_case(session, config, submission, files)
        lines.append(f"    {case.reference} ({submission.language}): {receipt}")
    triager = session.scalars(select(User).where(User.email.like("triager@%"))).first()
    if triager is not None:
        private_key = _private_key(triager, DEMO_PASSWORD)
        first = session.scalars(select(intake.Case).order_by(intake.Case.id)).first()
        if first is not None:
            intake.add_reply(
                session,
                first,
                "Thank you for your report. Which month was the protest?",
                triager,
                private_key,
            )
    return lines


def _private_key(user: User, password: str) -> bytes:
    from endwatch import accounts

    return accounts.open_vault(user, crypto.unwrap_with_passphrase(user.key_wrap, password)).private_key
