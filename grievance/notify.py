"""Tell staff that a report or message arrived: reference only, never any content.

The mail is sent once the submission commits (endwatch.mail.send_after_commit), so a rolled-back
submission announces nothing and a slow mail server never delays the submitter.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from endwatch import mail
from endwatch.config import Config

SUBJECTS = {
    "case": "Endwatch: a new report arrived ({reference})",
    "message": "Endwatch: a new message on a case ({reference})",
}
BODIES = {
    "case": "A new report arrived, reference {reference}.\n\nOpen Endwatch to read it.\n",
    "message": "The person who made report {reference} sent a new message.\n\nOpen Endwatch to read it.\n",
}


def queue_notice(session: Session, config: Config, kind: str, reference: str) -> None:
    if not mail.staff_mail_enabled(config):
        return
    subject = SUBJECTS[kind].format(reference=reference)
    mail.send_after_commit(session, mail.to_staff(config, subject, BODIES[kind].format(reference=reference)))
